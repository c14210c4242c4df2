// RuleTester cases for devbound/no-devres-to-kobject: a managed allocation, a member embedded in
// one, or an alias of either, passed to a kobject-style API, directly or through user helpers.
import rule from "../../packages/eslint-plugin/src/rules/no-devres-to-kobject.js";
import { KITCHEN_SINK, at, code, filename, ruleTester, typecheckCases } from "./setup.js";

const RT = `import { Cdev, Device, I2cAdapter, Kobject, cdevDeviceAdd, defineDriver, deviceRegister, devmKzalloc, i2cAddAdapter, i2cDelAdapter, kobjectInitAndAdd, kzalloc, type Core, type DriverOps } from "@devbound/runtime";`;
const PRIV = `const priv = devmKzalloc(dev, () => ({ adapter: new I2cAdapter("foo"), irqs: 0 }));`;
const SIDE = `const priv = devmKzalloc(dev, () => ({ adapter: new I2cAdapter("foo"), side: { adapter: new I2cAdapter("side") } }));`;
/** Helpers the value engine follows arguments into: rest parameters, defaults, overloads, getters. */
const HELPERS = [
  `function registerAll(...adapters: I2cAdapter[]) { for (const a of adapters) i2cAddAdapter(a); }`,
  `function registerSide(p: { side: { adapter: I2cAdapter } }, victim = p.side.adapter) { i2cAddAdapter(victim); }`,
  `function register(a: I2cAdapter): void;`,
  `function register(a: I2cAdapter, name: string): void;`,
  `function register(a: I2cAdapter, _name?: string) { i2cAddAdapter(a); }`,
  `class Holder { own = new I2cAdapter("own"); constructor(private readonly p: { adapter: I2cAdapter }) {} get adapter() { return this.p.adapter; } get mine() { return this.own; } }`,
].join("\n");
const withHelpers = (...body: string[]) => probe(...body).replace("export const drv", `${HELPERS}\nexport const drv`);

const direct = (resource: string, owner: string, api: string) => ({ messageId: "toKobject" as const, data: { resource, owner, api } });
const via = (resource: string, owner: string, helpers: string, api: string) => ({
  messageId: "toKobjectVia" as const,
  data: { resource, owner, via: helpers, api },
});
function invalid(src: string, needle: string, error: ReturnType<typeof direct> | ReturnType<typeof via>, occurrence = 1) {
  return { filename, code: src, errors: [{ ...error, ...at(src, needle, occurrence) }] };
}
const probe = (...body: string[]) => code(RT, `export const drv = defineDriver({ name: "foo-i2c", probe(dev) {`, ...body.map((l) => `  ${l}`), `} });`);

const cases = {
  valid: [
    // odd but legal code: no crash, no report
    { filename, code: KITCHEN_SINK },
    // unmanaged memory may be handed to a kobject API (the driver frees it on the last put)
    { filename, code: probe(`const priv = kzalloc(() => ({ adapter: new I2cAdapter("foo") }));`, `i2cAddAdapter(priv.adapter);`, `return { priv };`) },
    // a free-standing adapter
    { filename, code: probe(`const adap = new I2cAdapter("foo");`, `i2cAddAdapter(adap);`, `return { adap };`) },
    // managed memory passed to an API that keeps nothing
    { filename, code: probe(PRIV, `console.log(priv.adapter, priv.irqs);`, `return priv;`) },
    // a helper in another file that keeps nothing
    { filename, code: code(`import { adapterName } from "./no-devres-to-kobject-helpers.js";`, probe(PRIV, `adapterName(priv.adapter);`, `return priv;`)) },
    // i2cDelAdapter is not a kobject-style registration
    { filename, code: probe(PRIV, `i2cDelAdapter(priv.adapter);`, `return priv;`) },
    // the adapter is created outside the managed allocation and only remembered in it afterwards
    { filename, code: probe(`const adap = new I2cAdapter("foo");`, `i2cAddAdapter(adap);`, `const priv = devmKzalloc(dev, () => ({ adap }));`, `return priv;`) },
    // the storable device handle is not managed memory
    { filename, code: probe(`const child = new Device({ name: "child", parent: dev.get() });`, `deviceRegister(child);`, `return { child };`) },
    // value engine look-alikes: a spread copy whose member is overridden by an own adapter; a rest
    // parameter given only an own adapter; a default initialiser not used (the caller passes its
    // own); a getter returning an unmanaged field
    { filename, code: probe(SIDE, `const copy = { ...priv.side, adapter: new I2cAdapter("own") };`, `i2cAddAdapter(copy.adapter);`, `return priv;`) },
    { filename, code: withHelpers(SIDE, `registerAll(new I2cAdapter("x"));`, `registerSide(priv, new I2cAdapter("own"));`, `i2cAddAdapter(new Holder(priv).mine);`, `return priv;`) },
    // a class driver with unmanaged state
    { filename, code: code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  adap = new I2cAdapter("foo");`, `  probe(dev: Device<Core>) { i2cAddAdapter(this.adap); return {}; }`, `}`) },
    // an object literal carrying an unmanaged adapter
    { filename, code: probe(`const holder = { first: new I2cAdapter("x") };`, `i2cAddAdapter(holder.first);`, `return holder;`) },
    // a free-standing kobject
    { filename, code: probe(`const k = new Kobject("foo");`, `kobjectInitAndAdd(k);`, `return { k };`) },
    // a helper's own body: its parameter is not known to be managed (reported at managed call sites)
    { filename, code: code(RT, `export function reg(p: { adapter: I2cAdapter }) { i2cAddAdapter(p.adapter); }`) },
    // code that does not use the runtime
    { filename, code: `export function f(o: { a: number }) { return JSON.stringify(o.a); }` },
    // a managed allocation whose member is a fresh unmanaged copy passed on via a helper that returns a new object
    { filename, code: probe(PRIV, `const fresh = new I2cAdapter(String(priv.irqs));`, `i2cAddAdapter(fresh);`, `return priv;`) },
  ],
  invalid: [
    // DESIGN.md's example: the adapter embedded in devm memory
    (() => {
      const src = probe(PRIV, `i2cAddAdapter(priv.adapter);`, `return priv;`);
      return invalid(src, "priv.adapter);", direct("priv.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // the managed allocation itself
    (() => {
      const src = probe(`const child = devmKzalloc(dev, () => new Device({ name: "child" }));`, `deviceRegister(child);`, `return {};`);
      return invalid(src, "child);", direct("child", "foo-i2c", "deviceRegister"));
    })(),
    // an alias of the embedded member
    (() => {
      const src = probe(PRIV, `const a = priv.adapter;`, `i2cAddAdapter(a);`, `return priv;`);
      return invalid(src, "a);", direct("a", "foo-i2c", "i2cAddAdapter"));
    })(),
    // destructuring
    (() => {
      const src = probe(PRIV, `const { adapter: adap } = priv;`, `i2cAddAdapter(adap);`, `return priv;`);
      return invalid(src, "adap);", direct("adap", "foo-i2c", "i2cAddAdapter"));
    })(),
    // an object spread copy keeps the members it copies
    (() => {
      const src = probe(SIDE, `const copy = { retries: 1, ...priv.side };`, `i2cAddAdapter(copy.adapter);`, `return priv;`);
      return invalid(src, "copy.adapter);", direct("copy.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a tuple destructured from an array literal
    (() => {
      const src = probe(SIDE, `const [, second] = [new I2cAdapter("x"), priv.side.adapter];`, `i2cAddAdapter(second);`, `return priv;`);
      return invalid(src, "second);", direct("second", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a getter returning a member of the devres memory its object was built with
    (() => {
      const src = withHelpers(SIDE, `const h = new Holder(priv);`, `i2cAddAdapter(h.adapter);`, `return priv;`);
      return invalid(src, "h.adapter);", direct("h.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // an object literal's getter
    (() => {
      const src = probe(SIDE, `const view = { get adapter() { return priv.side.adapter; } };`, `i2cAddAdapter(view.adapter);`, `return priv;`);
      return invalid(src, "view.adapter);", direct("view.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a rest parameter: the second argument reaches the registration
    (() => {
      const src = withHelpers(SIDE, `registerAll(new I2cAdapter("x"), priv.adapter);`, `return priv;`);
      return invalid(src, "priv.adapter);", via("priv.adapter", "foo-i2c", "registerAll", "i2cAddAdapter"));
    })(),
    // a default-parameter initialiser reading a member of the argument
    (() => {
      const src = withHelpers(SIDE, `registerSide(priv);`, `return priv;`);
      return invalid(src, "priv);", via("priv.side.adapter", "foo-i2c", "registerSide", "i2cAddAdapter"));
    })(),
    // an overloaded helper (its implementation registers)
    (() => {
      const src = withHelpers(SIDE, `register(priv.adapter, "main");`, `return priv;`);
      return invalid(src, "priv.adapter,", via("priv.adapter", "foo-i2c", "register", "i2cAddAdapter"));
    })(),
    // spread arguments, to the API itself and to a helper
    (() => {
      const src = withHelpers(SIDE, `i2cAddAdapter(...([priv.adapter] as const));`, `register(...([priv.side.adapter] as const));`, `return priv;`);
      return {
        filename,
        code: src,
        errors: [
          { ...direct("priv.adapter", "foo-i2c", "i2cAddAdapter"), ...at(src, "...([priv.adapter]") },
          { ...via("priv.side.adapter", "foo-i2c", "register", "i2cAddAdapter"), ...at(src, "...([priv.side.adapter]") },
        ],
      };
    })(),
    // a renamed import: the message names the real API
    (() => {
      const src = code(`import { i2cAddAdapter as addAdapter } from "@devbound/runtime";`, probe(PRIV, `addAdapter(priv.adapter);`, `return priv;`));
      return invalid(src, "priv.adapter);", direct("priv.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a re-export under another name, from another module
    (() => {
      const src = code(`import { addAdapter } from "./no-devres-to-kobject-helpers.js";`, probe(PRIV, `addAdapter(priv.adapter);`, `return priv;`));
      return invalid(src, "priv.adapter);", direct("priv.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a helper in another file that passes a member of its parameter on
    (() => {
      const src = code(`import { registerAdapter } from "./no-devres-to-kobject-helpers.js";`, probe(PRIV, `registerAdapter(priv);`, `return priv;`));
      return invalid(src, "priv);", via("priv.adapter", "foo-i2c", "registerAdapter", "i2cAddAdapter"));
    })(),
    // a helper in another file passing its parameter on
    (() => {
      const src = code(`import { publish } from "./no-devres-to-kobject-helpers.js";`, probe(PRIV, `publish(priv.adapter);`, `return priv;`));
      return invalid(src, "priv.adapter);", via("priv.adapter", "foo-i2c", "publish", "i2cAddAdapter"));
    })(),
    // a helper in another file returning the embedded member
    (() => {
      const src = code(`import { adapterOf } from "./no-devres-to-kobject-helpers.js";`, probe(PRIV, `i2cAddAdapter(adapterOf(priv));`, `return priv;`));
      return invalid(src, "adapterOf(priv)", direct("adapterOf(priv)", "foo-i2c", "i2cAddAdapter"));
    })(),
    // remove() receives what probe returned
    (() => {
      const src = code(RT, `export const drv = defineDriver({`, `  name: "foo-i2c",`, `  probe(dev) { ${PRIV} return priv; },`, `  remove(dev, priv) { i2cAddAdapter(priv.adapter); },`, `});`);
      return invalid(src, "priv.adapter);", direct("priv.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a class driver: the field is assigned from devm memory in probe, registered elsewhere
    (() => {
      const src = code(
        RT,
        `export class FooDriver implements DriverOps<object> {`,
        `  name = "foo-class";`,
        `  priv?: { adapter: I2cAdapter };`,
        `  probe(dev: Device<Core>) { this.priv = devmKzalloc(dev, () => ({ adapter: new I2cAdapter("x") })); this.publish(); return {}; }`,
        `  publish() { if (this.priv) i2cAddAdapter(this.priv.adapter); }`,
        `}`,
      );
      return invalid(src, "this.priv.adapter);", direct("this.priv.adapter", "foo-class", "i2cAddAdapter"));
    })(),
    // an embedded cdev (first argument only: dev.get() is a proper reference)
    (() => {
      const src = probe(`const priv = devmKzalloc(dev, () => ({ cdev: new Cdev("foo", {}) }));`, `cdevDeviceAdd(priv.cdev, dev.get());`, `return priv;`);
      return invalid(src, "priv.cdev,", direct("priv.cdev", "foo-i2c", "cdevDeviceAdd"));
    })(),
    // an embedded kobject, async probe, awaited allocation
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo-i2c", async probe(dev) {`, `  const priv = await Promise.resolve(devmKzalloc(dev, () => ({ kobj: new Kobject("foo") })));`, `  kobjectInitAndAdd(priv.kobj);`, `  return priv;`, `} });`);
      return invalid(src, "priv.kobj);", direct("priv.kobj", "foo-i2c", "kobjectInitAndAdd"));
    })(),
    // a conditional that may pick the embedded member
    (() => {
      const src = probe(PRIV, `const spare = new I2cAdapter("spare");`, `i2cAddAdapter(priv.irqs > 0 ? priv.adapter : spare);`, `return priv;`);
      return invalid(src, "priv.irqs > 0", direct("priv.irqs > 0 ? priv.adapter : spare", "foo-i2c", "i2cAddAdapter"));
    })(),
    // probe defined elsewhere and passed by reference (`{ probe }`), a class instance driver name
    (() => {
      const src = code(RT, `function probe(dev: Device<Core>) {`, `  const priv = devmKzalloc(dev, () => ({ child: new Device({ name: "child" }) }));`, `  deviceRegister(priv.child);`, `  return priv;`, `}`, `export const drv = defineDriver({ name: "foo-child", probe });`);
      return invalid(src, "priv.child)", direct("priv.child", "foo-child", "deviceRegister"));
    })(),
    // carried in an object literal: a local holder, and driver data probe returns to remove()
    (() => {
      const src = probe(PRIV, `const holder = { first: priv.adapter };`, `i2cAddAdapter(holder.first);`, `return priv;`);
      return invalid(src, "holder.first)", direct("holder.first", "foo-i2c", "i2cAddAdapter"));
    })(),
    (() => {
      const src = code(RT, `export const drv = defineDriver({`, `  name: "foo-i2c",`, `  probe(dev) { ${PRIV} return { adap: priv.adapter }; },`, `  remove(dev, data) { i2cAddAdapter(data.adap); },`, `});`);
      return invalid(src, "data.adap)", direct("data.adap", "foo-i2c", "i2cAddAdapter"));
    })(),
    // a member two levels deep, inside a timer callback (when it runs does not matter)
    (() => {
      const src = probe(`const priv = devmKzalloc(dev, () => ({ bus: { adapter: new I2cAdapter("x") } }));`, `setTimeout(() => i2cAddAdapter(priv.bus.adapter), 1);`, `return priv;`);
      return invalid(src, "priv.bus.adapter)", direct("priv.bus.adapter", "foo-i2c", "i2cAddAdapter"));
    })(),
  ],
};

ruleTester.run("no-devres-to-kobject", rule, cases);
typecheckCases("no-devres-to-kobject", cases);
