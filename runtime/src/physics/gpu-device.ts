// A WebGPU device through the `webgpu` package (Dawn for Node: Vulkan, Metal,
// D3D12; on Linux without a GPU, Mesa's llvmpipe Vulkan driver). DESIGN.md
// "Tensor backends": without an adapter the WGSL path says why and callers
// fall back to the CPU path, so nothing here throws for "no adapter".

/// <reference types="@webgpu/types" />

export interface GpuDeviceInfo {
  /** e.g. "llvmpipe (LLVM 19.1.7, 256 bits)" or "NVIDIA H100 80GB HBM3" */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  /** true for software adapters such as llvmpipe or SwiftShader */
  readonly fallback: boolean;
}

export type GpuDeviceResult = { readonly device: GPUDevice; readonly info: GpuDeviceInfo } | { readonly unavailable: string };

export interface GpuDeviceOptions {
  readonly powerPreference?: GPUPowerPreference;
  /** Dawn toggles for `create`, e.g. "enable-dawn-features=allow_unsafe_apis" */
  readonly dawnFlags?: readonly string[];
}

let gpuInstance: GPU | undefined;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadGpu(flags: readonly string[]): Promise<GPU | string> {
  if (gpuInstance) return gpuInstance;
  let mod: { create: (options: string[]) => GPU; globals: object };
  try {
    mod = (await import("webgpu")) as unknown as typeof mod;
  } catch (error) {
    return `the webgpu package (Dawn for Node) could not be loaded: ${describe(error)}`;
  }
  // GPUBufferUsage, GPUMapMode, … as the WebGPU spec defines them on globalThis; never replace existing ones
  const g = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(mod.globals)) if (!(key in g)) g[key] = value;
  try {
    gpuInstance = mod.create([...flags]);
  } catch (error) {
    return `Dawn could not start: ${describe(error)}`;
  }
  return gpuInstance;
}

/**
 * Requests an adapter and a device with the adapter's largest storage-buffer
 * limits. Returns `{ unavailable: reason }` when there is no adapter or the
 * device cannot be created.
 */
export async function requestGpuDevice(options: GpuDeviceOptions = {}): Promise<GpuDeviceResult> {
  const gpu = await loadGpu(options.dawnFlags ?? []);
  if (typeof gpu === "string") return { unavailable: gpu };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  } catch (error) {
    return { unavailable: `WebGPU adapter request failed: ${describe(error)}` };
  }
  if (!adapter) {
    return {
      unavailable:
        "no WebGPU adapter: Dawn found no Vulkan, Metal or D3D12 device (on Linux without a GPU, install Mesa's Vulkan drivers, e.g. `apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`)",
    };
  }
  const a = adapter.info;
  const name = a.description || a.device || a.vendor || "unknown adapter";
  const info: GpuDeviceInfo = { name, vendor: a.vendor, architecture: a.architecture, fallback: Boolean((a as { isFallbackAdapter?: boolean }).isFallbackAdapter) };
  try {
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      },
    });
    return { device, info };
  } catch (error) {
    return { unavailable: `WebGPU device request on ${name} failed: ${describe(error)}` };
  }
}
