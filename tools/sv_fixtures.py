#!/usr/bin/python3
"""PyTorch reference of the SV physics network (SV seed §5, as DESIGN.md pins
it) and the parity fixtures of runtime/test/physics-sv.test.ts.

Run with Debian's python3-torch:  /usr/bin/python3 tools/sv_fixtures.py
Writes runtime/test/fixtures/physics/:
  sv-random.safetensors        random weights, d_h 32, L 1
  sv-random-h8-l2.safetensors  random weights, d_h 8, L 2
  sv-cases.json                inputs and PyTorch outputs per case, parameter
                               counts and state-dict names

`--read FILE` loads a safetensors file with this script's reader and prints
each tensor's name, shape and sum (an interop check of other writers).
`--bench` times the eager forward of one frame, N = 8, on one CPU thread.
"""

import json
import math
import os
import struct
import sys
import time

import torch
from torch import nn

EPS = 1e-8
EPS_DEG = 1e-6
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "runtime", "test", "fixtures", "physics")


def mlp(inputs, hidden, outputs):
    # indices 0 Linear, 1 LayerNorm, 2 ReLU, 3 Linear
    return nn.Sequential(nn.Linear(inputs, hidden), nn.LayerNorm(hidden, eps=1e-5), nn.ReLU(), nn.Linear(hidden, outputs))


def normalize(v):
    return v / (v.norm(dim=-1, keepdim=True) + EPS)


class SVLayer(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.force_mlp = mlp(5 + 2 * hidden, hidden, 3)
        self.update_mlp = mlp(hidden + 3, hidden, hidden)


class SVPipeline(nn.Module):
    """pos, vel [B, N, 3] -> the last layer's aggregated forces [B, N, 3]."""

    def __init__(self, hidden=32, layers=1):
        super().__init__()
        self.encoder = mlp(6, hidden, hidden)
        self.layers = nn.ModuleList([SVLayer(hidden) for _ in range(layers)])

    def forward(self, pos, vel):
        b, n, _ = pos.shape
        h = self.encoder(torch.cat([pos, vel], dim=-1))
        pi, pj = torch.triu_indices(n, n, 1, device=pos.device)
        # edge frames, per unordered pair i < j
        r = pos[:, pj] - pos[:, pi]
        d = r.norm(dim=-1, keepdim=True)
        e1 = r / (d + EPS)
        v = vel[:, pj] - vel[:, pi]
        vr = (v * e1).sum(-1, keepdim=True)
        vperp = v - vr * e1
        pn = vperp.norm(dim=-1, keepdim=True)
        lam = (pn > EPS_DEG).to(pos.dtype)
        z = torch.tensor([0.0, 0.0, 1.0], dtype=pos.dtype, device=pos.device).expand_as(e1)
        y = torch.tensor([0.0, 1.0, 0.0], dtype=pos.dtype, device=pos.device).expand_as(e1)
        cz = torch.cross(e1, z, dim=-1)
        cy = torch.cross(e1, y, dim=-1)
        fall = torch.where(cz.norm(dim=-1, keepdim=True) > EPS_DEG, normalize(cz), normalize(cy))
        e2 = lam * (vperp / (pn + EPS)) + (1 - lam) * fall
        e3 = torch.cross(e1, e2, dim=-1)
        vt = (v * e2).sum(-1, keepdim=True)
        vb = (v * e3).sum(-1, keepdim=True)
        vn = v.norm(dim=-1, keepdim=True)
        sigma = torch.cat([d, vr, vt, vb, vn], dim=-1)
        f_agg = None
        for layer in self.layers:
            hi, hj = h[:, pi], h[:, pj]
            alpha = layer.force_mlp(torch.cat([sigma, hi + hj, (hi - hj).abs()], dim=-1))
            force = alpha[..., 0:1] * e1 + alpha[..., 1:2] * e2 + alpha[..., 2:3] * e3
            f_agg = torch.zeros_like(pos)
            f_agg.index_add_(1, pj, force)
            f_agg.index_add_(1, pi, -force)
            h = h + layer.update_mlp(torch.cat([h, f_agg], dim=-1))
        return f_agg


class DualStreamExtractor(nn.Module):
    """SV seed §5.8: z = ReLU(W_f [z_policy, sg(a_box)] + b_f)."""

    def __init__(self, observation=16, features=64, hidden=32, layers=1):
        super().__init__()
        self.physics = SVPipeline(hidden, layers)
        self.policy = nn.Sequential(nn.Linear(observation, features), nn.ReLU(), nn.Linear(features, features), nn.ReLU())
        self.fusion = nn.Sequential(nn.Linear(features + 3, features), nn.ReLU())

    def forward(self, obs, pos, vel, box=0):
        a_box = self.physics(pos, vel)[:, box].detach()
        return self.fusion(torch.cat([self.policy(obs), a_box], dim=-1))


def count(module):
    return sum(p.numel() for p in module.parameters())


def randomize(model, seed):
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()
        elif isinstance(m, nn.LayerNorm):
            with torch.no_grad():
                m.weight.uniform_(0.8, 1.2)
                m.bias.uniform_(-0.2, 0.2)


def save_safetensors(path, state, metadata=None):
    """A minimal safetensors writer: F32, little-endian, header padded to 8."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in state.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def load_safetensors(path):
    import numpy as np

    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[base + b : base + e], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def check_margins(name, pos, vel):
    """Refuse inputs whose degenerate-frame switches sit near ε_deg, where
    float32 (PyTorch) and float64 (TypeScript) rounding could choose differently."""
    for dtype in (torch.float32, torch.float64):
        p, v = pos.to(dtype), vel.to(dtype)
        n = p.shape[1]
        pi, pj = torch.triu_indices(n, n, 1)
        r = p[:, pj] - p[:, pi]
        e1 = r / (r.norm(dim=-1, keepdim=True) + EPS)
        dv = v[:, pj] - v[:, pi]
        vperp = dv - (dv * e1).sum(-1, keepdim=True) * e1
        for label, norms in (("|v_perp|", vperp.norm(dim=-1)), ("|e1 x z|", torch.cross(e1, torch.tensor([0.0, 0.0, 1.0], dtype=dtype).expand_as(e1), dim=-1).norm(dim=-1))):
            near = (norms > 1e-7) & (norms < 1e-5)
            assert not bool(near.any()), f"{name}: {label} within a decade of eps_deg in {dtype}: {norms[near].tolist()}"


def cases():
    g = torch.Generator().manual_seed(20260206)

    def rand(*shape, scale=1.0):
        return (torch.rand(*shape, generator=g) * 2 - 1) * scale

    out = {}
    for n in (2, 3, 8, 16):
        out[f"n{n}"] = (rand(1, n, 3, scale=2.0), rand(1, n, 3))
    # coincident objects: 0 and 1 share a position (different velocities),
    # 2 and 3 share position and velocity
    pos, vel = rand(1, 5, 3, scale=2.0), rand(1, 5, 3)
    pos[0, 1] = pos[0, 0]
    pos[0, 3] = pos[0, 2]
    vel[0, 3] = vel[0, 2]
    out["coincident"] = (pos, vel)
    # collinear motion along a line through the z axis (the e1 × ŷ fallback),
    # along x, and along a diagonal (speeds small enough that float32
    # rounding keeps |v_perp| far below eps_deg)
    t = torch.tensor([-1.0, 0.0, 0.5, 2.0])
    s = torch.tensor([0.25, -0.5, 0.75, 0.0])
    z = torch.tensor([0.0, 0.0, 1.0])
    x = torch.tensor([1.0, 0.0, 0.0])
    diag = torch.tensor([1.0, 2.0, 2.0]) / 3.0
    out["collinear_z"] = ((t[:, None] * z)[None], (s[:, None] * z)[None])
    out["collinear_x"] = ((torch.tensor([0.5, -0.25, 1.0]) + t[:, None] * x)[None], (s[:, None] * x)[None])
    out["collinear_diag"] = ((t[:, None] * diag)[None], (s[:, None] * diag)[None])
    # zero relative velocity: everything moves together
    common = rand(3)
    out["zero_relative_velocity"] = (rand(1, 5, 3, scale=2.0), common.expand(1, 5, 3).clone())
    # at rest
    out["at_rest"] = (rand(1, 4, 3, scale=2.0), torch.zeros(1, 4, 3))
    out["batch"] = (rand(4, 6, 3, scale=2.0), rand(4, 6, 3))
    return out


def generate():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    models = {"sv-random": SVPipeline(32, 1), "sv-random-h8-l2": SVPipeline(8, 2)}
    randomize(models["sv-random"], 1)
    randomize(models["sv-random-h8-l2"], 2)
    doc = {
        "generator": "tools/sv_fixtures.py",
        "torch": torch.__version__,
        "parameter_counts": {"sv": count(SVPipeline()), "extractor": count(DualStreamExtractor())},
        "state_dict_names": {
            "sv": {k: list(v.shape) for k, v in SVPipeline().state_dict().items()},
            "sv_h8_l2": {k: list(v.shape) for k, v in SVPipeline(8, 2).state_dict().items()},
            "extractor": {k: list(v.shape) for k, v in DualStreamExtractor().state_dict().items()},
        },
        "models": {},
    }
    assert doc["parameter_counts"] == {"sv": 6019, "extractor": 15619}, doc["parameter_counts"]
    inputs = cases()
    for name, model in models.items():
        path = os.path.join(OUT, f"{name}.safetensors")
        save_safetensors(path, model.state_dict(), {"generator": "tools/sv_fixtures.py", "seed": name})
        # the file round-trips through the reader
        loaded, _ = load_safetensors(path)
        assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())
        entry = {"weights": f"{name}.safetensors", "cases": {}}
        for case, (pos, vel) in inputs.items():
            pos, vel = pos.float().contiguous(), vel.float().contiguous()
            check_margins(case, pos, vel)
            with torch.no_grad():
                forces = model(pos, vel)
                forces64 = model.double()(pos.double(), vel.double())
                model.float()
            # float32 PyTorch and a float64 evaluation agree well inside the tolerance
            assert float((forces.double() - forces64).abs().max()) < 2e-6, (name, case)
            assert float(forces.sum(dim=1).abs().max()) < 1e-5, (name, case)
            entry["cases"][case] = {"pos": pos.tolist(), "vel": vel.tolist(), "forces": forces.tolist()}
        doc["models"][name] = entry
    with open(os.path.join(OUT, "sv-cases.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    for fn in sorted(os.listdir(OUT)):
        print(fn, os.path.getsize(os.path.join(OUT, fn)), "bytes")


def read(path):
    tensors, meta = load_safetensors(path)
    print("metadata", json.dumps(meta))
    for k, v in tensors.items():
        print(k, list(v.shape), f"{float(v.double().sum()):.9g}")


def bench():
    torch.set_num_threads(1)
    model = SVPipeline(32, 1)
    randomize(model, 1)
    g = torch.Generator().manual_seed(7)
    pos = torch.rand(1, 8, 3, generator=g) * 4 - 2
    vel = torch.rand(1, 8, 3, generator=g) * 2 - 1
    times = []
    with torch.no_grad():
        for _ in range(500):
            model(pos, vel)
        for _ in range(5000):
            t0 = time.perf_counter_ns()
            model(pos, vel)
            times.append(time.perf_counter_ns() - t0)
    times.sort()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "calls": len(times), "median_us": times[len(times) // 2] / 1000, "p10_us": times[len(times) // 10] / 1000}))


def bench_gpu(frames=1024, objects=32):
    """The same network on CUDA: eager and torch.compile, pairs per second (B frames x N objects)."""
    device = torch.device("cuda")
    model = SVPipeline(32, 1)
    randomize(model, 1)
    model = model.to(device).eval()
    g = torch.Generator().manual_seed(9)
    pos = (torch.rand(frames, objects, 3, generator=g) * 4 - 2).to(device)
    vel = (torch.rand(frames, objects, 3, generator=g) * 2 - 1).to(device)
    pairs = frames * objects * (objects - 1) / 2

    def timed(f, reps=30):
        with torch.no_grad():
            for _ in range(5):
                f(pos, vel)
            torch.cuda.synchronize()
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                f(pos, vel)
                torch.cuda.synchronize()
                times.append(time.perf_counter() - t0)
        times.sort()
        return times[len(times) // 2]

    result = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "frames": frames, "objects": objects}
    eager = timed(model)
    result["eager_ms"] = eager * 1000
    result["eager_pairs_per_s"] = pairs / eager
    try:
        compiled = torch.compile(model)
        t = timed(compiled)
        result["compile_ms"] = t * 1000
        result["compile_pairs_per_s"] = pairs / t
    except Exception as e:  # report, do not hide, a compile failure
        result["compile_error"] = str(e)[:300]
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--read":
        read(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--bench":
        bench()
    elif len(sys.argv) >= 2 and sys.argv[1] == "--bench-gpu":
        bench_gpu(*[int(a) for a in sys.argv[2:4]])
    else:
        generate()
