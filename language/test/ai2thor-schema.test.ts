// Facts about the built-in AI2THOR schema that constraint authors rely on.
// Each capability asserted here is checked against the iTHOR object-type table
// (ai2thor.allenai.org/ithor/documentation/objects/object-types).

import { describe, expect, it } from "vitest";
import {
  CAPABILITIES,
  ai2thorCapabilities,
  ai2thorSchema,
  attributesForCapabilities,
  type Capability,
} from "../src/check/ai2thor-schema.js";
import { attributeType, findTypeByName } from "../src/check/schema.js";
import { typeToString } from "../src/check/types.js";

function caps(typeName: string): ReadonlySet<Capability> {
  const found = ai2thorCapabilities.get(typeName);
  if (!found) throw new Error(`no type ${typeName}`);
  return found;
}

function attr(typeName: string, name: string): string | undefined {
  const t = attributeType(ai2thorSchema, typeName, name);
  return t === undefined ? undefined : typeToString(t);
}

describe("ai2thor schema: object types", () => {
  it("has all 125 documented object types, each with a doc line", () => {
    expect(ai2thorSchema.types.size).toBe(125);
    expect(ai2thorCapabilities.size).toBe(125);
    for (const [name, info] of ai2thorSchema.types) {
      expect(info.name).toBe(name);
      expect(info.doc?.length ?? 0).toBeGreaterThan(0);
      expect(ai2thorCapabilities.has(name)).toBe(true);
    }
  });

  it("includes the first and last types, the slices, and the 2.4 additions", () => {
    for (const name of [
      "AlarmClock",
      "AluminumFoil",
      "AppleSliced",
      "BreadSliced",
      "EggCracked",
      "Floor",
      "ShelvingUnit",
      "TargetCircle",
      "WineBottle",
    ]) {
      expect(ai2thorSchema.types.has(name), name).toBe(true);
    }
  });

  it("finds types by underscore names, case-insensitively", () => {
    expect(findTypeByName(ai2thorSchema, "coffee_machine")?.name).toBe("CoffeeMachine");
    expect(findTypeByName(ai2thorSchema, "sink_basin")?.name).toBe("SinkBasin");
    expect(findTypeByName(ai2thorSchema, "stove_burner")?.name).toBe("StoveBurner");
    expect(findTypeByName(ai2thorSchema, "tv_stand")?.name).toBe("TVStand");
    expect(findTypeByName(ai2thorSchema, "mug")?.name).toBe("Mug");
    expect(findTypeByName(ai2thorSchema, "spaceship")).toBeUndefined();
  });
});

describe("ai2thor schema: capabilities follow the documentation", () => {
  it("openable: Microwave, Fridge, Cabinet, Drawer, Laptop, Box, Safe, Toilet, Kettle, Book", () => {
    for (const t of ["Microwave", "Fridge", "Cabinet", "Drawer", "Laptop", "Box", "Safe", "Toilet", "Kettle", "Book"]) {
      expect(caps(t).has("openable"), t).toBe(true);
      expect(attr(t, "isOpen"), t).toBe("Bool");
      expect(attr(t, "openness"), t).toBe("Num");
    }
  });

  it("toggleable: CoffeeMachine, StoveBurner, StoveKnob, Faucet, Microwave, Toaster, Laptop", () => {
    for (const t of ["CoffeeMachine", "StoveBurner", "StoveKnob", "Faucet", "Microwave", "Toaster", "Laptop", "LightSwitch"]) {
      expect(caps(t).has("toggleable"), t).toBe(true);
      expect(attr(t, "isToggled"), t).toBe("Bool");
    }
  });

  it("Mug and Cup: pickupable receptacles that fill, get dirty and break", () => {
    for (const t of ["Mug", "Cup"]) {
      const c = caps(t);
      for (const cap of ["pickupable", "receptacle", "canFillWithLiquid", "dirtyable", "breakable"] as const) {
        expect(c.has(cap), `${t} ${cap}`).toBe(true);
      }
      expect(c.has("openable"), t).toBe(false);
      expect(c.has("toggleable"), t).toBe(false);
    }
    expect(attr("Mug", "isFilledWithLiquid")).toBe("Bool");
    expect(attr("Mug", "fillLiquid")).toBe("Enum{coffee,water,wine}");
    expect(attr("Mug", "isDirty")).toBe("Bool");
    expect(attr("Mug", "isBroken")).toBe("Bool");
    expect(attr("Mug", "isPickedUp")).toBe("Bool");
    expect(attr("Mug", "receptacleObjectIds")).toBe("Any");
  });

  it("a Mug has no isOpen, isToggled, isCooked or isSliced", () => {
    for (const a of ["isOpen", "openness", "isToggled", "isCooked", "isSliced", "isUsedUp"]) {
      expect(attr("Mug", a), a).toBeUndefined();
    }
  });

  it("CoffeeMachine is not openable (no isOpen), but is a toggleable receptacle", () => {
    expect(caps("CoffeeMachine").has("openable")).toBe(false);
    expect(attr("CoffeeMachine", "isOpen")).toBeUndefined();
    expect(attr("CoffeeMachine", "receptacleObjectIds")).toBe("Any");
  });

  it("Apple is sliceable but not cookable; Potato is both; slices and cracked eggs cook", () => {
    expect(caps("Apple").has("sliceable")).toBe(true);
    expect(caps("Apple").has("cookable")).toBe(false);
    expect(attr("Apple", "isSliced")).toBe("Bool");
    expect(attr("Apple", "isCooked")).toBeUndefined();
    expect(caps("Potato").has("sliceable")).toBe(true);
    expect(caps("Potato").has("cookable")).toBe(true);
    for (const t of ["BreadSliced", "PotatoSliced", "EggCracked"]) expect(caps(t).has("cookable"), t).toBe(true);
    for (const t of ["Bread", "Lettuce", "Tomato", "Egg"]) expect(caps(t).has("sliceable"), t).toBe(true);
  });

  it("used-up, fillable and breakable types", () => {
    for (const t of ["ToiletPaper", "PaperTowelRoll", "SoapBottle", "TissueBox"]) {
      expect(caps(t).has("canBeUsedUp"), t).toBe(true);
      expect(attr(t, "isUsedUp"), t).toBe("Bool");
    }
    for (const t of ["Bottle", "Bowl", "Kettle", "Pot", "WateringCan", "WineBottle", "HousePlant"]) {
      expect(caps(t).has("canFillWithLiquid"), t).toBe(true);
    }
    for (const t of ["Window", "Mirror", "Television", "CellPhone", "Vase", "Statue", "Egg"]) {
      expect(caps(t).has("breakable"), t).toBe(true);
    }
    expect(caps("Pan").has("canFillWithLiquid")).toBe(false);
  });

  it("heat and cold sources", () => {
    for (const t of ["StoveBurner", "Microwave", "Toaster", "CoffeeMachine"]) {
      expect(caps(t).has("isHeatSource"), t).toBe(true);
    }
    expect(caps("Fridge").has("isColdSource")).toBe(true);
    expect(caps("Fridge").has("isHeatSource")).toBe(false);
  });

  it("large furniture is moveable, not pickupable", () => {
    for (const t of ["Chair", "Sofa", "DiningTable", "Microwave", "Toaster"]) {
      expect(caps(t).has("moveable"), t).toBe(true);
      expect(caps(t).has("pickupable"), t).toBe(false);
    }
  });

  it("types without actionable properties have no capabilities", () => {
    for (const t of ["Floor", "Painting", "Poster", "Curtains", "TargetCircle"]) {
      expect(caps(t).size, t).toBe(0);
      expect(ai2thorSchema.types.get(t)?.attributes.size, t).toBe(0);
    }
  });
});

describe("ai2thor schema: attributes", () => {
  const common: Record<string, string> = {
    id: "Str",
    type: "Str",
    name: "Str",
    position: "Vec3",
    rotation: "Vec3",
    velocity: "Vec3",
    visible: "Bool",
    confidence: "Num",
    isInteractable: "Bool",
    distance: "Num",
    mass: "Num",
    temperature: "Enum{Hot,Cold,RoomTemp}",
    isMoving: "Bool",
    salientMaterials: "Any",
    parentReceptacles: "Any",
  };

  it("every type has the common attributes", () => {
    expect(ai2thorSchema.commonAttributes.size).toBe(Object.keys(common).length + CAPABILITIES.length);
    for (const typeName of ai2thorSchema.types.keys()) {
      for (const [a, t] of Object.entries(common)) {
        expect(attr(typeName, a), `${typeName}.${a}`).toBe(t);
      }
    }
  });

  it("every capability flag is a Bool attribute of every type (AI2THOR reports all flags on all objects)", () => {
    for (const typeName of ai2thorCapabilities.keys()) {
      for (const cap of CAPABILITIES) {
        expect(attr(typeName, cap), `${typeName}.${cap}`).toBe("Bool");
      }
    }
  });

  it("state attributes of some types are listed for the checker's never-set warning", () => {
    expect(ai2thorSchema.stateAttributes?.get("isOpen")).toBeDefined();
    expect(ai2thorSchema.stateAttributes?.get("fillLiquid")).toBeDefined();
    expect(ai2thorSchema.stateAttributes?.has("position")).toBe(false);
  });

  it("type-specific attributes are exactly those derived from capabilities", () => {
    for (const [typeName, info] of ai2thorSchema.types) {
      const derived = attributesForCapabilities(caps(typeName));
      expect([...info.attributes.keys()].sort(), typeName).toEqual([...derived.keys()].sort());
      for (const a of info.attributes.keys()) {
        expect(ai2thorSchema.commonAttributes.has(a), `${typeName}.${a} shadows a common attribute`).toBe(false);
      }
    }
  });

  it("derives state attributes from capabilities", () => {
    const derived = attributesForCapabilities(["openable", "receptacle"]);
    expect([...derived.keys()]).toEqual(["receptacleObjectIds", "isOpen", "openness"]);
    expect(attributesForCapabilities([]).size).toBe(0);
    expect(attributesForCapabilities(["isHeatSource", "moveable"]).size).toBe(0);
  });
});
