/**
 * Phantom brands: the type-level vocabulary shared by the runtime and @devbound/eslint-plugin.
 *
 * Invariant: none of these properties exists at run time. They are declared (optional or
 * `declare`d) so TypeScript's structural typing enforces the device-context order
 * (Core ⊂ Bound ⊂ Normal) and so the plugin can ask the type checker what a value, a
 * parameter or a callback *is* instead of matching names. A user's own API that carries the
 * same brands is recognised exactly like the runtime's.
 *
 * The property names are part of the plugin contract: the plugin's `analysis/brands.ts`
 * reads them. Rename one here and you must rename it there.
 */

// ---- device contexts ------------------------------------------------------------------

/** Any device reference. The only context that may be stored and reference-counted. */
export interface Normal {
  readonly __devboundNormal: true;
}
/** A scope that proves the device stays bound to its driver throughout (Rust's `&Device<Bound>`). */
export interface Bound extends Normal {
  readonly __devboundBound: true;
}
/** The driver core's own callbacks (probe, remove): bound, and serialised against each other. */
export interface Core extends Bound {
  readonly __devboundCore: true;
}
export type DeviceContext = Normal | Bound | Core;

// ---- parameter and value brands (intersected onto ordinary types) ---------------------

/** The `dev` parameter of a devres registration (every `devm*` call): the call registers devres. */
export interface DevresTargetBrand {
  readonly __devboundDevresTarget?: undefined;
}

/** What a devres-managed resource is; carried by the values devm allocations return. */
export type ManagedKind = "alloc" | "irq" | "iomem" | "workqueue" | "action" | "group";
export interface ManagedBrand<K extends ManagedKind = ManagedKind> {
  readonly __devboundManaged?: K;
}
/** A value owned by devres: released automatically when its device unbinds. */
export type Managed<T, K extends ManagedKind = "alloc"> = T & ManagedBrand<K>;

/** A parameter of a manual release function (`kfree`, `freeIrq`, `iounmap`, ...). */
export interface ReleasesBrand<K extends ManagedKind = ManagedKind> {
  readonly __devboundReleases?: K;
}
export type Releases<T, K extends ManagedKind> = T & ReleasesBrand<K>;

/** A parameter of a devres release function (`devmKfree`, `devmRemoveAction`, `devresReleaseGroup`, ...). */
export interface DevresReleaseBrand {
  readonly __devboundDevresRelease?: undefined;
}
export type DevresRelease<T> = T & DevresReleaseBrand;

/**
 * A parameter of a kobject-style API: the callee keeps a reference that may outlive the
 * driver's binding (an open file, a registered adapter, a child device).
 */
export interface KobjectParamBrand {
  readonly __devboundKobjectParam?: undefined;
}
export type KobjectParam<T> = T & KobjectParamBrand;

// ---- callback brands ------------------------------------------------------------------

/**
 * A callback the runtime stops before the device's devres is released (a devm IRQ handler,
 * a devm work item). It receives its own `Device<Bound>`.
 */
export interface BoundCallbackBrand {
  readonly __devboundBoundCallback?: undefined;
}
export type BoundCallback<F> = F & BoundCallbackBrand;

/** A callback that runs before the call that takes it returns (`tryAccessWith`). */
export interface SyncCallbackBrand {
  readonly __devboundSyncCallback?: undefined;
}
export type SyncCallback<F> = F & SyncCallbackBrand;

/** A callback that may run later, after the device unbinds (an unmanaged IRQ handler, a timer). */
export interface DeferredCallbackBrand {
  readonly __devboundDeferredCallback?: undefined;
}
export type DeferredCallback<F> = F & DeferredCallbackBrand;

/** A kobject release callback: runs at the last put, possibly long after unbind. */
export interface KobjectReleaseBrand {
  readonly __devboundKobjectRelease?: undefined;
}
export type KobjectRelease<F> = F & KobjectReleaseBrand;

/**
 * A file operation (`open`, `read`, `write`, `ioctl`, `poll`, `release`): runs on behalf of
 * user space, possibly after unbind (`release` always may; the others are fenced by the
 * sync-unregister protocol only if the driver uses it).
 */
export interface FileOperationBrand {
  readonly __devboundFileOperation?: "open" | "read" | "write" | "ioctl" | "release";
}
export type FileOperation<F, K extends "open" | "read" | "write" | "ioctl" | "release"> = F & {
  readonly __devboundFileOperation?: K;
};

/** The read-side section of a revocable: a `tryAccess` guard or a `tryAccessWith` callback. */
export interface AccessSectionBrand {
  readonly __devboundAccessSection?: undefined;
}
export type AccessSection<T> = T & AccessSectionBrand;
