// The built-in schema: AI2THOR's object types and the metadata fields each one
// reports. The table below follows the object-type table of the iTHOR
// documentation (ai2thor.allenai.org/ithor/documentation/objects/object-types,
// 125 types): each type lists its actionable properties, and the attributes
// are derived from those, so a Mug has `isDirty` but no `isOpen`.
//
// Where the documentation marks a property "(Some)" (some Bowls are plastic and
// never break, only some SoapBottles can be used up) the type still gets the
// capability: AI2THOR reports the flag per object, and the state attribute is
// there to read on the instances that have it.
//
// The documentation's "ChangeTemp" material property becomes `isHeatSource`
// (CoffeeMachine, Microwave, StoveBurner, Toaster) or `isColdSource` (Fridge).

import type { ObjectTypeInfo, Schema } from "./schema.js";
import { Any, Bool, Num, Str, Vec3T, enumOf, type Type } from "./types.js";

export type Capability =
  | "openable"
  | "toggleable"
  | "breakable"
  | "canFillWithLiquid"
  | "dirtyable"
  | "canBeUsedUp"
  | "cookable"
  | "sliceable"
  | "pickupable"
  | "receptacle"
  | "moveable"
  | "isHeatSource"
  | "isColdSource";

/** Every capability, in the order attributes are derived. */
export const CAPABILITIES: readonly Capability[] = [
  "pickupable",
  "receptacle",
  "moveable",
  "openable",
  "toggleable",
  "breakable",
  "canFillWithLiquid",
  "dirtyable",
  "canBeUsedUp",
  "cookable",
  "sliceable",
  "isHeatSource",
  "isColdSource",
];

/** Values of `fillLiquid` as AI2THOR reports them. */
export const FILL_LIQUIDS: readonly string[] = ["coffee", "water", "wine"];
/** Values of `temperature` as AI2THOR reports them. */
export const TEMPERATURES: readonly string[] = ["Hot", "Cold", "RoomTemp"];

const fillLiquidType = enumOf(FILL_LIQUIDS);
const temperatureType = enumOf(TEMPERATURES);

/** The state attributes a capability brings, beyond its own Bool flag. */
const STATE_ATTRIBUTES: Readonly<Record<Capability, readonly (readonly [string, Type])[]>> = {
  pickupable: [["isPickedUp", Bool]],
  receptacle: [["receptacleObjectIds", Any]],
  moveable: [],
  openable: [
    ["isOpen", Bool],
    ["openness", Num],
  ],
  toggleable: [["isToggled", Bool]],
  breakable: [["isBroken", Bool]],
  canFillWithLiquid: [
    ["isFilledWithLiquid", Bool],
    ["fillLiquid", fillLiquidType],
  ],
  dirtyable: [["isDirty", Bool]],
  canBeUsedUp: [["isUsedUp", Bool]],
  cookable: [["isCooked", Bool]],
  sliceable: [["isSliced", Bool]],
  isHeatSource: [],
  isColdSource: [],
};

/**
 * The state attributes an object with these capabilities carries (`isOpen`,
 * `openness`, …). The capability flags themselves (`openable: Bool`, …) are
 * common attributes: AI2THOR reports every flag on every object.
 */
export function attributesForCapabilities(capabilities: Iterable<Capability>): Map<string, Type> {
  const have = new Set(capabilities);
  const attributes = new Map<string, Type>();
  for (const capability of CAPABILITIES) {
    if (!have.has(capability)) continue;
    for (const [name, type] of STATE_ATTRIBUTES[capability]) attributes.set(name, type);
  }
  return attributes;
}

/** Attributes every AI2THOR object has, whatever its type. */
const COMMON_ATTRIBUTES: readonly (readonly [string, Type])[] = [
  ["id", Str],
  ["type", Str],
  ["name", Str],
  ["position", Vec3T],
  ["rotation", Vec3T],
  ["velocity", Vec3T],
  ["visible", Bool],
  ["confidence", Num],
  ["isInteractable", Bool],
  ["distance", Num],
  ["mass", Num],
  ["temperature", temperatureType],
  ["isMoving", Bool],
  ["salientMaterials", Any],
  ["parentReceptacles", Any],
];

type Row = readonly [name: string, capabilities: readonly Capability[], doc: string];

// Capabilities per type, from the "Actionable Properties" column of the iTHOR
// object-type table ("Fillable" is canFillWithLiquid, "UsedUp" canBeUsedUp),
// plus heat/cold sources from its "ChangeTemp" material property.
const TABLE: readonly Row[] = [
  ["AlarmClock", ["pickupable"], "A small bedside alarm clock."],
  ["AluminumFoil", ["pickupable"], "A roll of kitchen aluminium foil."],
  ["Apple", ["pickupable", "sliceable"], "A whole apple; slicing it yields AppleSliced pieces."],
  ["AppleSliced", ["pickupable"], "A piece of an apple that has been sliced."],
  ["ArmChair", ["receptacle", "moveable"], "An upholstered armchair that things can be set on."],
  ["BaseballBat", ["pickupable"], "A baseball bat."],
  ["BasketBall", ["pickupable"], "A basketball."],
  ["Bathtub", ["receptacle"], "A bathtub (only some are receptacles; its basin is BathtubBasin)."],
  ["BathtubBasin", ["receptacle"], "The inner basin of a bathtub, where objects can be placed."],
  ["Bed", ["receptacle", "dirtyable"], "A bed; it can be made (clean) or messy (dirty)."],
  ["Blinds", ["openable"], "Window blinds that open and close."],
  ["Book", ["openable", "pickupable"], "A book that can be opened and carried."],
  ["Boots", ["pickupable"], "A pair of boots."],
  ["Bottle", ["pickupable", "canFillWithLiquid", "breakable"], "A glass bottle that holds liquid and can shatter."],
  ["Bowl", ["pickupable", "receptacle", "canFillWithLiquid", "breakable", "dirtyable"], "A bowl; holds food or liquid (plastic ones do not break)."],
  ["Box", ["openable", "pickupable", "receptacle"], "A cardboard box with flaps that can be opened."],
  ["Bread", ["pickupable", "sliceable"], "A loaf of bread; slicing it yields BreadSliced."],
  ["BreadSliced", ["pickupable", "cookable"], "A slice of bread; toasting or a hot burner cooks it."],
  ["ButterKnife", ["pickupable"], "A blunt knife for spreading butter."],
  ["Cabinet", ["openable", "receptacle"], "A cupboard with a door; things go inside."],
  ["Candle", ["pickupable", "toggleable"], "A candle; toggled on means lit."],
  ["CD", ["pickupable"], "A compact disc."],
  ["CellPhone", ["pickupable", "toggleable", "breakable"], "A mobile phone; a broken one cannot be switched on."],
  ["Chair", ["moveable"], "A chair that can be pushed around."],
  ["Cloth", ["pickupable", "dirtyable"], "A cleaning cloth; running water cleans it."],
  ["CoffeeMachine", ["toggleable", "receptacle", "moveable", "isHeatSource"], "A coffee maker; when on, a Mug placed in it fills with hot coffee."],
  ["CoffeeTable", ["receptacle", "moveable"], "A low living-room table."],
  ["CounterTop", ["receptacle"], "A kitchen or bathroom counter surface."],
  ["CreditCard", ["pickupable"], "A credit card."],
  ["Cup", ["pickupable", "receptacle", "canFillWithLiquid", "breakable", "dirtyable"], "A drinking cup (plastic ones do not break)."],
  ["Curtains", [], "Window curtains."],
  ["Desk", ["receptacle", "moveable"], "A desk with a work surface."],
  ["DeskLamp", ["toggleable", "moveable"], "A desk lamp that switches on and off."],
  ["Desktop", ["moveable"], "A desktop computer."],
  ["DiningTable", ["receptacle", "moveable"], "A dining table."],
  ["DishSponge", ["pickupable"], "A dish-washing sponge."],
  ["DogBed", ["moveable"], "A bed for a dog."],
  ["Drawer", ["openable", "receptacle"], "A drawer that slides open; things go inside."],
  ["Dresser", ["receptacle", "moveable"], "A chest of drawers whose top holds objects."],
  ["Dumbbell", ["pickupable"], "A hand weight."],
  ["Egg", ["pickupable", "sliceable", "breakable"], "A raw egg; slicing or breaking it yields EggCracked."],
  ["EggCracked", ["pickupable", "cookable"], "A cracked egg, which a hot burner or microwave cooks."],
  ["Faucet", ["toggleable"], "A tap; when on it is a running-water source."],
  ["Floor", [], "The floor of a room."],
  ["FloorLamp", ["toggleable", "moveable"], "A standing lamp that switches on and off."],
  ["Footstool", ["moveable"], "A low stool for resting the feet."],
  ["Fork", ["pickupable"], "A table fork."],
  ["Fridge", ["openable", "receptacle", "isColdSource"], "A refrigerator; objects inside become Cold."],
  ["GarbageBag", ["moveable"], "A filled rubbish bag."],
  ["GarbageCan", ["receptacle", "moveable"], "A rubbish bin."],
  ["HandTowel", ["pickupable"], "A small towel for drying hands."],
  ["HandTowelHolder", ["receptacle"], "A holder that accepts only HandTowel objects."],
  ["HousePlant", ["canFillWithLiquid", "moveable"], "A potted plant that can be watered."],
  ["Kettle", ["openable", "pickupable", "canFillWithLiquid"], "A kettle with a lid; fills with water under a tap."],
  ["KeyChain", ["pickupable"], "A ring of keys."],
  ["Knife", ["pickupable"], "A kitchen knife, used to slice food."],
  ["Ladle", ["pickupable"], "A serving ladle."],
  ["Laptop", ["openable", "pickupable", "toggleable", "breakable"], "A laptop computer; opens, switches on, and can crack."],
  ["LaundryHamper", ["receptacle", "moveable"], "A basket for dirty laundry."],
  ["Lettuce", ["pickupable", "sliceable"], "A head of lettuce; slicing it yields LettuceSliced."],
  ["LettuceSliced", ["pickupable"], "A piece of lettuce that has been sliced."],
  ["LightSwitch", ["toggleable"], "A wall switch for the room lights."],
  ["Microwave", ["openable", "toggleable", "receptacle", "moveable", "isHeatSource"], "A microwave oven; objects inside heat up while it is on."],
  ["Mirror", ["breakable", "dirtyable"], "A wall mirror that can smudge or shatter."],
  ["Mug", ["pickupable", "receptacle", "canFillWithLiquid", "breakable", "dirtyable"], "A mug; holds coffee, water or wine and can get dirty."],
  ["Newspaper", ["pickupable"], "A newspaper."],
  ["Ottoman", ["receptacle", "moveable"], "An upholstered footrest."],
  ["Painting", [], "A framed picture on the wall."],
  ["Pan", ["pickupable", "receptacle", "dirtyable"], "A frying pan."],
  ["PaperTowelRoll", ["pickupable", "canBeUsedUp"], "A roll of paper towels that can run out."],
  ["Pen", ["pickupable"], "A pen."],
  ["Pencil", ["pickupable"], "A pencil."],
  ["PepperShaker", ["pickupable"], "A pepper shaker."],
  ["Pillow", ["pickupable"], "A pillow or cushion."],
  ["Plate", ["pickupable", "receptacle", "breakable", "dirtyable"], "A dinner plate (plastic ones do not break)."],
  ["Plunger", ["pickupable"], "A toilet plunger."],
  ["Poster", [], "A poster on the wall."],
  ["Pot", ["pickupable", "receptacle", "canFillWithLiquid", "dirtyable"], "A cooking pot that can hold water."],
  ["Potato", ["pickupable", "sliceable", "cookable"], "A potato; cooks on a hot burner or in a running microwave."],
  ["PotatoSliced", ["pickupable", "cookable"], "A slice of potato, which can be cooked."],
  ["RemoteControl", ["pickupable"], "A TV remote control."],
  ["RoomDecor", ["moveable"], "A large decorative item standing in a room."],
  ["Safe", ["openable", "receptacle", "moveable"], "A small safe with a door."],
  ["SaltShaker", ["pickupable"], "A salt shaker."],
  ["ScrubBrush", ["pickupable"], "A scrubbing brush."],
  ["Shelf", ["receptacle"], "A shelf surface."],
  ["ShelvingUnit", ["moveable"], "A free-standing set of shelves."],
  ["ShowerCurtain", ["openable"], "A shower curtain that draws open and shut."],
  ["ShowerDoor", ["openable", "breakable"], "A glass shower door."],
  ["ShowerGlass", ["breakable"], "A fixed glass shower panel."],
  ["ShowerHead", ["toggleable"], "A shower head; when on it is a running-water source."],
  ["SideTable", ["receptacle", "moveable"], "A small side table."],
  ["Sink", ["receptacle"], "A sink (only some are receptacles; its basin is SinkBasin)."],
  ["SinkBasin", ["receptacle"], "The basin of a sink, where objects can be placed."],
  ["SoapBar", ["pickupable"], "A bar of soap."],
  ["SoapBottle", ["pickupable", "canBeUsedUp"], "A soap dispenser bottle (some can be used up)."],
  ["Sofa", ["receptacle", "moveable"], "A sofa."],
  ["Spatula", ["pickupable"], "A cooking spatula."],
  ["Spoon", ["pickupable"], "A spoon."],
  ["SprayBottle", ["pickupable"], "A spray bottle of cleaner."],
  ["Statue", ["pickupable", "breakable"], "A small decorative statue that can break."],
  ["Stool", ["moveable"], "A stool."],
  ["StoveBurner", ["toggleable", "receptacle", "isHeatSource"], "A stove burner, switched by its StoveKnob; heats and cooks what is on it."],
  ["StoveKnob", ["toggleable"], "A knob that turns its linked StoveBurner on and off."],
  ["TableTopDecor", ["pickupable"], "A small decorative item for a table top."],
  ["TargetCircle", [], "A marker circle spawned by an action to mark a target area."],
  ["TeddyBear", ["pickupable"], "A teddy bear."],
  ["Television", ["toggleable", "breakable", "moveable"], "A television; a broken one cannot be switched on."],
  ["TennisRacket", ["pickupable"], "A tennis racket."],
  ["TissueBox", ["pickupable", "canBeUsedUp"], "A box of tissues (some can be used up)."],
  ["Toaster", ["toggleable", "receptacle", "moveable", "isHeatSource"], "A toaster; accepts BreadSliced and toasts it while on."],
  ["Toilet", ["openable", "receptacle"], "A toilet whose lid opens."],
  ["ToiletPaper", ["pickupable", "canBeUsedUp"], "A roll of toilet paper that can run out."],
  ["ToiletPaperHanger", ["receptacle"], "A holder that accepts only ToiletPaper objects."],
  ["Tomato", ["pickupable", "sliceable"], "A tomato; slicing it yields TomatoSliced."],
  ["TomatoSliced", ["pickupable"], "A slice of tomato."],
  ["Towel", ["pickupable"], "A bath towel."],
  ["TowelHolder", ["receptacle"], "A rail that accepts only Towel objects."],
  ["TVStand", ["receptacle", "moveable"], "A stand or cabinet for a television."],
  ["VacuumCleaner", ["moveable"], "A vacuum cleaner."],
  ["Vase", ["pickupable", "breakable"], "A decorative vase that can break."],
  ["Watch", ["pickupable"], "A wristwatch."],
  ["WateringCan", ["pickupable", "canFillWithLiquid"], "A watering can that fills with water under a tap."],
  ["Window", ["breakable"], "A window pane that can shatter."],
  ["WineBottle", ["pickupable", "canFillWithLiquid", "breakable"], "A wine bottle that holds liquid and can shatter."],
];

function buildCapabilities(): Map<string, ReadonlySet<Capability>> {
  const capabilities = new Map<string, ReadonlySet<Capability>>();
  for (const [name, caps] of TABLE) {
    if (capabilities.has(name)) throw new Error(`ai2thor-schema: duplicate type ${name}`);
    capabilities.set(name, new Set(caps));
  }
  return capabilities;
}

function buildSchema(capabilities: ReadonlyMap<string, ReadonlySet<Capability>>): Schema {
  const types = new Map<string, ObjectTypeInfo>();
  for (const [name, , doc] of TABLE) {
    types.set(name, { name, attributes: attributesForCapabilities(capabilities.get(name) ?? []), doc });
  }
  const commonAttributes = new Map<string, Type>(COMMON_ATTRIBUTES);
  for (const capability of CAPABILITIES) commonAttributes.set(capability, Bool);
  const stateAttributes = attributesForCapabilities(CAPABILITIES);
  return { types, commonAttributes, stateAttributes };
}

/** Capabilities of each AI2THOR object type, by exact type name. */
export const ai2thorCapabilities: ReadonlyMap<string, ReadonlySet<Capability>> = buildCapabilities();

/** The built-in schema: every AI2THOR object type with its metadata fields. */
export const ai2thorSchema: Schema = buildSchema(ai2thorCapabilities);
