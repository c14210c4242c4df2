/**
 * no-devres-to-kobject, the C check: a refcounted object registered while it sits in devm
 * memory: `priv = devm_kzalloc(...)` whose embedded `struct device dev` goes to
 * device_register(&priv->dev), or an embedded kobject, cdev, i2c_adapter, miscdevice, counter
 * device, video_device, ... (the vocabulary's KOBJECT_REGISTRATIONS says which registration
 * takes which object). Devres frees the memory when the driver unbinds; the registered object
 * lives by its refcount (or by the files open on it), so its last put (or close) touches freed
 * memory.
 *
 * How: the registered argument is read as a PLACE, a base pointer and the member path below it
 * (`&priv->sub.dev`: priv, [sub, dev]; a pointer member ends the path: `&priv->child->dev` is
 * [dev] below `priv->child`). values.ts gives the base's sources: an address (`d = &priv->dev`,
 * an alias) is read as a place again; a devm memory acquisition (the vocabulary's managed
 * "memory" kind: devm_kzalloc, devm_kcalloc, ...) is the holder. The path must be embedded
 * all the way by the struct layouts of the file and of the quoted headers beside it
 * (layouts.ts): every step a non-pointer member, the last one of the registration's type; an
 * unknown layout is no report. A registration of a helper's parameter is judged at the
 * helper's callers (`foo_register(priv)`: "by foo_register()"). A place whose sources include
 * memory allocated by hand (kzalloc: the release callback frees it) is not reported; nor is
 * memory from a refcounted devm allocator (devm_counter_alloc: not "memory" in the vocabulary).
 * A registration whose unregister waits for the object's release (the vocabulary's
 * waitsForRelease: i2c adapters) frees nothing early, it only blocks the unbind while a user
 * holds the object: reported only with the checkBlockingUnbind option, and skipped before any
 * analysis otherwise.
 *
 * Invariant: never throws; a file that names no managed API or no registration costs one text
 * scan each; headers are read only when a hit needs a struct the file does not define.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { CNode, MacroHints } from "@devbound/eslint-language-c";
import { KOBJECT_OUTLIVES, KOBJECT_OUTLIVES_DEFAULT, KOBJECT_REGISTRATIONS, MANAGED_NAME_IN_TEXT, lookup } from "../vocabulary/index.js";
import { argumentsOf, calleeName, child, inError, sourceText, strip, stripParens } from "../analysis/syntax.js";
import { getUnit, type Unit } from "../analysis/unit.js";
import { callerArguments, getValues, type Source, type Values } from "../analysis/values.js";
import { getLayouts, type Layouts } from "../analysis/layouts.js";

type MessageIds = "devmEmbeddedRegistered" | "devmEmbeddedRegisteredVia";
export type Options = [{ checkBlockingUnbind?: boolean }];
type Context = Readonly<TSESLint.RuleContext<MessageIds, Options>>;

const REGISTRATION_NAME = new RegExp(`\\b(?:${Object.keys(KOBJECT_REGISTRATIONS).join("|")})\\s*\\(`);
const MAX_HELPER_DEPTH = 4;
const MAX_ALIAS_DEPTH = 8;

/** An object inside what `base` points at, `path` members down ("[]": an element of an embedded array). */
interface Place {
  base: CNode;
  path: string[];
}

/** Whether a member is a pointer (true), an embedded struct or array (false); unknown counts as a pointer. */
type IsPointerMember = (member: CNode) => boolean;

/**
 * `&p->a.b` -> p, [a, b]; `&p->a->b` -> p->a, [b]; `&p[i]` -> p, []; `&p->ports[i].dev` -> p,
 * [ports, [], dev] when `ports` is an embedded array, p->ports, [dev] when it is a pointer;
 * `d` -> d, [] (what d points at). Undefined for the address of a variable (`&foo_static_dev`:
 * not heap memory).
 */
function placeOf(expr: CNode, below: string[], isPointer: IsPointerMember): Place | undefined {
  const e = strip(expr);
  if (e.type !== "pointer_expression" || e.operator !== "&") return { base: e, path: below };
  const path: string[] = [];
  let a = child(e, "argument");
  for (let guard = 0; a && guard < 32; guard++) {
    a = stripParens(a);
    if (a.type === "field_expression") {
      const field = child(a, "field")?.text;
      const inner = child(a, "argument");
      if (!field || !inner) return undefined;
      path.unshift(field);
      if (a.operator === "->") return { base: inner, path: [...path, ...below] };
      a = inner;
    } else if (a.type === "subscript_expression") {
      const inner = child(a, "argument");
      if (!inner) return undefined;
      const i = stripParens(inner);
      // `&p[i]`, `&p->ptr[i]`: an element of what the pointer points at; an embedded array continues the path
      if (i.type !== "field_expression" || isPointer(i)) return { base: i, path: [...path, ...below] };
      path.unshift("[]");
      a = i;
    } else if (a.type === "pointer_expression" && a.operator === "*") {
      const inner = child(a, "argument");
      return inner ? { base: inner, path: [...path, ...below] } : undefined;
    } else return undefined;
  }
  return undefined;
}

interface Site {
  /** the call reported: the registration, or the call of a helper that registers its parameter */
  call: CNode;
  /** the argument reported at that call */
  arg: CNode;
  place: Place;
  /** helpers between the reported call and the registration, outermost first */
  via: string[];
}

/** A registration of a helper's parameter is a registration of what each caller passes. */
function sitesOf(unit: Unit, call: CNode, arg: CNode, place: Place, via: string[], depth: number, isPointer: IsPointerMember): Site[] {
  const passed = depth < MAX_HELPER_DEPTH ? callerArguments(unit, stripParens(place.base)) : undefined;
  if (passed) {
    return passed.calls.flatMap(({ call: c, arg: a }) => {
      const p = a ? placeOf(a, place.path, isPointer) : undefined;
      return a && p && !inError(c) ? sitesOf(unit, c, a, p, [passed.helper, ...via], depth + 1, isPointer) : [];
    });
  }
  return [{ call, arg, place, via }];
}

interface Holder {
  /** the devm memory acquisition */
  alloc: Source;
  /** the pointer to it, and the path of the registered object below */
  place: Place;
}

/** The devm memory holding a place (undefined when none, or when some source is memory allocated by hand). */
function holderOf(values: Values, place: Place, depth: number, isPointer: IsPointerMember): { holders: Holder[]; manual: boolean } {
  const holders: Holder[] = [];
  let manual = false;
  if (depth > MAX_ALIAS_DEPTH) return { holders, manual };
  for (const s of values.sourcesOf(place.base)) {
    if (s.type === "address") {
      const p = placeOf(s.node, place.path, isPointer);
      if (!p) {
        manual = true; // a variable's address: not heap memory
        continue;
      }
      const inner = holderOf(values, p, depth + 1, isPointer);
      holders.push(...inner.holders);
      manual ||= inner.manual;
    } else if (s.type === "acquire") {
      if (s.managed && s.acquire?.kinds.includes("memory")) holders.push({ alloc: s, place });
      else manual = true; // kzalloc'd (freed in release), or a refcounted devm allocator
    }
    // NULL, calls not followed, parameters nobody passes: no holder, no veto
  }
  return { holders, manual };
}

/** The struct type `expr` points at (declared types; members through the layouts). */
function pointee(values: Values, layouts: Layouts, expr: CNode, depth = 0): { tag: string | undefined; pointer: number } | undefined {
  const e = strip(expr);
  if (e.type === "field_expression" && depth < 16) {
    const base = child(e, "argument");
    const field = child(e, "field")?.text;
    const bt = base ? pointee(values, layouts, base, depth + 1) : undefined;
    if (!bt?.tag || !field || bt.pointer !== (e.operator === "->" ? 1 : 0)) return undefined;
    return layouts.field(bt.tag, field);
  }
  const t = values.typeOf(e);
  return t ? { tag: t.tag === undefined ? undefined : layouts.resolve(t.tag), pointer: t.pointer } : undefined;
}

/** The path below the holder is embedded all the way and ends in a `struct embeds` (or is the holder itself). */
function embedded(values: Values, layouts: Layouts, place: Place, embeds: string): boolean {
  const t = pointee(values, layouts, place.base);
  if (place.path.length === 0) return !t?.tag || t.tag === embeds;
  if (!t?.tag || t.pointer !== 1) return false;
  let tag = t.tag;
  for (const step of place.path) {
    if (step === "[]") continue;
    const f = layouts.field(tag, step);
    if (!f?.tag || f.pointer !== 0) return false;
    tag = f.tag;
  }
  return tag === embeds;
}


function objectText(holder: string, path: readonly string[]): string {
  let out = holder;
  path.forEach((step, i) => {
    out += step === "[]" ? "[]" : `${i === 0 ? "->" : "."}${step}`;
  });
  return out;
}

export function checkNoDevresToKobject(context: Context, [{ checkBlockingUnbind = false } = {}]: Readonly<Options>): TSESLint.RuleListener {
  const text = context.sourceCode.text;
  if (!MANAGED_NAME_IN_TEXT.test(text) || !REGISTRATION_NAME.test(text)) return {};
  const candidates: CNode[] = [];
  return {
    call_expression(node: unknown) {
      const call = node as CNode;
      const name = calleeName(call);
      const reg = name ? lookup(KOBJECT_REGISTRATIONS, name) : undefined;
      if (reg && (checkBlockingUnbind || !reg.waitsForRelease)) candidates.push(call);
    },
    "translation_unit:exit"(root: unknown) {
      if (candidates.length === 0) return;
      const unit = getUnit(root as CNode);
      const values = getValues(unit);
      const hints = (context.languageOptions as { macroHints?: MacroHints } | undefined)?.macroHints;
      const layouts = getLayouts(unit, text, context.physicalFilename ?? context.filename, hints);
      const isPointer: IsPointerMember = (member) => (pointee(values, layouts, member)?.pointer ?? 1) > 0;
      const reported = new Set<CNode>();
      for (const call of candidates) {
        const name = unit.isKernelCall(call);
        const reg = name ? lookup(KOBJECT_REGISTRATIONS, name) : undefined;
        if (!reg || call.hasError || inError(call)) continue;
        const args = argumentsOf(call);
        for (const obj of reg.also ? [reg, reg.also] : [reg]) {
          const arg = args[obj.object];
          const place = arg ? placeOf(arg, [], isPointer) : undefined;
          if (!arg || !place) continue;
          for (const site of sitesOf(unit, call, arg, place, [], 0, isPointer)) {
            if (reported.has(site.call)) continue;
            const { holders, manual } = holderOf(values, site.place, 0, isPointer);
            if (manual) continue;
            const hit = holders
              .filter((h) => embedded(values, layouts, h.place, obj.embeds))
              .sort((a, b) => a.alloc.node.range[0] - b.alloc.node.range[0])[0];
            if (!hit) continue;
            reported.add(site.call);
            const resource = sourceText(text, hit.place.base);
            const what =
              hit.place.path.length === 0
                ? `it is itself the \`struct ${obj.embeds}\``
                : `its embedded \`struct ${obj.embeds}\` \`${objectText(resource, hit.place.path)}\` is`;
            const data = {
              resource,
              alloc: `${hit.alloc.api ?? "devm"}()`,
              line: String(hit.alloc.node.loc.start.line),
              what,
              api: `${name}()`,
              why: lookup(KOBJECT_OUTLIVES, obj.embeds) ?? KOBJECT_OUTLIVES_DEFAULT,
            };
            if (site.via.length === 0) context.report({ loc: site.arg.loc, messageId: "devmEmbeddedRegistered", data });
            else context.report({ loc: site.arg.loc, messageId: "devmEmbeddedRegisteredVia", data: { ...data, via: site.via.map((f) => `${f}()`).join(" → ") } });
          }
        }
      }
    },
  };
}
