/**
 * apis.ts: the kernel APIs devbound knows, as data (DESIGN "Kernel C" 2). This module and
 * hints.ts are the only places a kernel API is named; the C analysis and the C checks read
 * these tables and never spell a kernel name themselves.
 *
 * Invariant: every entry is plain data (no functions). A resource is identified by KIND and
 * by WHERE it sits in a call: `"return"` (the call's value is the resource) or an argument
 * index (0-based; e.g. the IRQ number of devm_request_irq is argument 1, the controller of
 * devm_spi_register_controller is argument 1). An argument written `&x` is an out-parameter or
 * an object identified by its address; the analysis strips the `&` (values.ts).
 *
 * Exported tables (all `Readonly<Record<name, entry>>`, looked up with the helpers at the end):
 *   ACQUIRE        name -> AcquireApi   { kinds, managed, resource, device?, twin? }
 *   RELEASE        name -> ReleaseApi   { kind, resource, managedRelease? }
 *   CONSEQUENCE    kind -> what releasing it a second time does ("double free", "unbalanced disable", ...)
 *   KOBJECT_REGISTRATIONS name -> { object, embeds, also?, waitsForRelease? } (objects that can outlive unbind)
 *   KOBJECT_OUTLIVES embedded type -> why it outlives unbind (message text; KOBJECT_OUTLIVES_DEFAULT otherwise)
 *   DRVDATA_SET / DRVDATA_GET            drvdata setters (object, data) and getters (object)
 *   DEVDATA_GET    name -> { object }    private area embedded in a subsystem object (iio_priv, netdev_priv, ...)
 *   DRIVER_STRUCTS struct tag -> DriverStructInfo { bus, roles: field -> role }
 *   MODULE_DRIVER_MACROS name -> { driverArg, probeArg? }        (module_platform_driver(), ...)
 *   DRIVER_REGISTER name -> { driverArg }                        (platform_driver_register(&drv), ...)
 *   PM_OPS_STRUCT, PM_OPS_MACROS          dev_pm_ops and the macros that define one
 *   CONTAINER_OF    names that recover a containing struct: (ptr, type, member)
 *   PASS_THROUGH    name -> argument index a call returns (spi_master_get(m) is m)
 *   RELEASES_ON_FAILURE  managed registrations that release the resource when they fail (`_or_reset`)
 * (Callback registrations and their fences live in callbacks.ts, beside this module.)
 *   isConventionallyManaged(name)        a `devm_`/`dmam_`/`pcim_` function not in ACQUIRE: managed, kind unknown
 *   acquireApi(name) / releaseApi(name)  lookups (own-property only: "constructor" is not an API)
 */

/** What a resource is: a release matches an acquisition of the same kind. */
export type ResourceKind =
  | "memory" // kmalloc family / kfree family
  | "pages" // __get_free_pages / free_pages
  | "irq" // identified by the IRQ number
  | "mmio" // ioremap'ed addresses
  | "pci-regions" // pci_request_regions / pci_release_regions, identified by the pci_dev
  | "mem-region" // request_mem_region, identified by the start address
  | "io-region" // request_region, identified by the start port
  | "clock" // clk_get / clk_put
  | "clock-prepare" // clk_prepare / clk_unprepare
  | "clock-enable" // clk_prepare_enable / clk_disable_unprepare
  | "clock-bulk" // clk_bulk_get / clk_bulk_put (identified by the array)
  | "regulator" // regulator_get / regulator_put
  | "regulator-enable" // regulator_enable / regulator_disable
  | "regulator-bulk" // regulator_bulk_get / regulator_bulk_free
  | "gpio-desc" // gpiod_get / gpiod_put
  | "gpio-descs" // gpiod_get_array / gpiod_put_array
  | "gpio-legacy" // gpio_request / gpio_free (identified by the number)
  | "reset" // reset_control_get / reset_control_put
  | "pinctrl" // pinctrl_get / pinctrl_put
  | "phy" // phy_get / phy_put
  | "dma-coherent" // dma_alloc_coherent / dma_free_coherent
  | "dma-pool" // dma_pool_create / dma_pool_destroy
  | "workqueue" // alloc_workqueue / destroy_workqueue
  | "work" // a work item cancelled at unbind (devm_work_autocancel)
  | "netdev" // alloc_etherdev / free_netdev
  | "netdev-registration" // register_netdev / unregister_netdev
  | "spi-controller" // spi_alloc_host / spi_controller_put
  | "spi-registration" // spi_register_controller / spi_unregister_controller
  | "i2c-adapter" // i2c_add_adapter / i2c_del_adapter
  | "input-device" // input_allocate_device / input_free_device
  | "input-registration" // input_register_device / input_unregister_device
  | "iio-device" // iio_device_alloc / iio_device_free
  | "iio-registration" // iio_device_register / iio_device_unregister
  | "iio-trigger-registration" // iio_trigger_register / iio_trigger_unregister
  | "rtc-registration" // rtc_device_register / rtc_device_unregister
  | "hwmon-registration" // hwmon_device_register* / hwmon_device_unregister
  | "led-registration" // led_classdev_register / led_classdev_unregister
  | "regmap" // regmap_init* / regmap_exit
  | "pwm-registration" // pwmchip_add / pwmchip_remove
  | "gpiochip-registration" // gpiochip_add_data / gpiochip_remove
  | "watchdog-registration" // watchdog_register_device / watchdog_unregister_device
  | "mbox-registration" // mbox_controller_register / mbox_controller_unregister
  | "backlight-registration" // backlight_device_register / backlight_device_unregister
  | "power-supply-registration" // power_supply_register / power_supply_unregister
  | "pinctrl-registration" // pinctrl_register / pinctrl_unregister
  | "action"; // devm_add_action: the callback runs at unbind

export interface AcquireApi {
  /** What the call acquires (devm_clk_get_enabled: a clock, prepared and enabled). */
  readonly kinds: readonly ResourceKind[];
  /** Released by devres when the device unbinds. */
  readonly managed: boolean;
  /** Where the resource is: the return value, or the argument at this index. */
  readonly resource: "return" | number;
  /** Index of the `struct device *` (or bus device) argument of a managed call. */
  readonly device?: number;
  /** The counterpart: the manual API of a devm one, or the devm twin of a manual one. */
  readonly twin?: string;
  /** The resource is this member of what the argument points at (spi_bitbang_start(&bb) takes a reference on bb.master). */
  readonly member?: readonly string[];
}

export interface ReleaseApi {
  readonly kind: ResourceKind;
  /** Index of the argument that carries the resource (free_irq(irq, dev_id): 0). */
  readonly resource: number;
  /** A devres release (devm_kfree, devm_free_irq, ...): the correct way to free a managed resource early. */
  readonly managedRelease?: boolean;
}

export interface KobjectRegistrationApi {
  /** Argument index of the registered object. */
  readonly object: number;
  /** The embedded type it takes (the object's lifetime is its refcount, not the driver's). */
  readonly embeds: string;
  /** A second object the same call registers (cdev_device_add(cdev, dev) adds the struct device too). */
  readonly also?: { readonly object: number; readonly embeds: string };
  /**
   * Its unregister waits for the object's release before it returns (i2c_del_adapter():
   * device_unregister() then wait_for_completion(&adap->dev_released)), so devres frees the
   * memory only after the last reference is gone: no use after free, only an unbind that blocks
   * while a user (an open /dev/i2c-N) holds it. no-devres-to-kobject reports these only with its
   * checkBlockingUnbind option.
   */
  readonly waitsForRelease?: true;
}

export interface DriverStructInfo {
  /** The bus, as kernel developers say it. */
  readonly bus: string;
  /** Struct field -> role. Roles: "probe", "remove", "shutdown". */
  readonly roles: Readonly<Record<string, "probe" | "remove" | "shutdown">>;
}

// ---------------------------------------------------------------------------------------
// Acquisitions
// ---------------------------------------------------------------------------------------

const memory = (managed: boolean, twin?: string): AcquireApi =>
  managed ? { kinds: ["memory"], managed, resource: "return", device: 0, ...(twin ? { twin } : {}) } : { kinds: ["memory"], managed, resource: "return", ...(twin ? { twin } : {}) };

const devmReturn = (kinds: readonly ResourceKind[], twin?: string, device = 0): AcquireApi => ({ kinds, managed: true, resource: "return", device, ...(twin ? { twin } : {}) });
const devmArg = (kinds: readonly ResourceKind[], resource: number, twin?: string, device = 0): AcquireApi => ({ kinds, managed: true, resource, device, ...(twin ? { twin } : {}) });
const manualReturn = (kinds: readonly ResourceKind[], twin?: string): AcquireApi => ({ kinds, managed: false, resource: "return", ...(twin ? { twin } : {}) });
const manualArg = (kinds: readonly ResourceKind[], resource: number, twin?: string): AcquireApi => ({ kinds, managed: false, resource, ...(twin ? { twin } : {}) });

export const ACQUIRE: Readonly<Record<string, AcquireApi>> = {
  // memory
  kmalloc: memory(false, "devm_kmalloc"),
  kzalloc: memory(false, "devm_kzalloc"),
  kcalloc: memory(false, "devm_kcalloc"),
  kmalloc_array: memory(false, "devm_kmalloc_array"),
  kstrdup: memory(false, "devm_kstrdup"),
  kstrdup_const: memory(false, "devm_kstrdup_const"),
  kmemdup: memory(false, "devm_kmemdup"),
  krealloc: memory(false, "devm_krealloc"),
  kasprintf: memory(false, "devm_kasprintf"),
  kvasprintf: memory(false, "devm_kvasprintf"),
  kvmalloc: memory(false),
  kvzalloc: memory(false),
  kvcalloc: memory(false),
  kvmalloc_array: memory(false),
  vmalloc: memory(false),
  vzalloc: memory(false),
  bitmap_zalloc: memory(false, "devm_bitmap_zalloc"),
  bitmap_alloc: memory(false, "devm_bitmap_alloc"),
  devm_kmalloc: memory(true, "kmalloc"),
  devm_kzalloc: memory(true, "kzalloc"),
  devm_kcalloc: memory(true, "kcalloc"),
  devm_kmalloc_array: memory(true, "kmalloc_array"),
  devm_kstrdup: memory(true, "kstrdup"),
  devm_kstrdup_const: memory(true, "kstrdup_const"),
  devm_kmemdup: memory(true, "kmemdup"),
  devm_krealloc: memory(true, "krealloc"),
  devm_kasprintf: memory(true, "kasprintf"),
  devm_kvasprintf: memory(true, "kvasprintf"),
  devm_bitmap_zalloc: memory(true, "bitmap_zalloc"),
  devm_bitmap_alloc: memory(true, "bitmap_alloc"),
  __get_free_pages: manualReturn(["pages"], "devm_get_free_pages"),
  devm_get_free_pages: devmReturn(["pages"], "__get_free_pages"),

  // IRQs: the resource is the IRQ number
  request_irq: manualArg(["irq"], 0, "devm_request_irq"),
  request_threaded_irq: manualArg(["irq"], 0, "devm_request_threaded_irq"),
  request_any_context_irq: manualArg(["irq"], 0, "devm_request_any_context_irq"),
  devm_request_irq: devmArg(["irq"], 1, "request_irq"),
  devm_request_threaded_irq: devmArg(["irq"], 1, "request_threaded_irq"),
  devm_request_any_context_irq: devmArg(["irq"], 1, "request_any_context_irq"),

  // MMIO
  ioremap: manualReturn(["mmio"], "devm_ioremap"),
  ioremap_wc: manualReturn(["mmio"], "devm_ioremap_wc"),
  ioremap_uc: manualReturn(["mmio"], "devm_ioremap_uc"),
  ioremap_cache: manualReturn(["mmio"]),
  ioremap_np: manualReturn(["mmio"]),
  of_iomap: manualReturn(["mmio"], "devm_of_iomap"),
  pci_iomap: manualReturn(["mmio"], "pcim_iomap"),
  pci_ioremap_bar: manualReturn(["mmio"]),
  devm_ioremap: devmReturn(["mmio"], "ioremap"),
  devm_ioremap_wc: devmReturn(["mmio"], "ioremap_wc"),
  devm_ioremap_uc: devmReturn(["mmio"], "ioremap_uc"),
  devm_ioremap_np: devmReturn(["mmio"], "ioremap_np"),
  devm_ioremap_resource: devmReturn(["mmio"]),
  devm_ioremap_resource_wc: devmReturn(["mmio"]),
  devm_of_iomap: devmReturn(["mmio"], "of_iomap"),
  devm_platform_ioremap_resource: devmReturn(["mmio"]),
  devm_platform_ioremap_resource_byname: devmReturn(["mmio"]),
  devm_platform_get_and_ioremap_resource: devmReturn(["mmio"]),
  pcim_iomap: devmReturn(["mmio"], "pci_iomap"),

  // PCI regions and memory/IO regions (identified by the device, the start address)
  pci_request_regions: manualArg(["pci-regions"], 0),
  pcim_iomap_regions: devmArg(["pci-regions"], 0),
  pcim_iomap_regions_request_all: devmArg(["pci-regions"], 0),
  request_mem_region: manualArg(["mem-region"], 0, "devm_request_mem_region"),
  devm_request_mem_region: devmArg(["mem-region"], 1, "request_mem_region"),
  request_region: manualArg(["io-region"], 0, "devm_request_region"),
  devm_request_region: devmArg(["io-region"], 1, "request_region"),

  // clocks
  clk_get: manualReturn(["clock"], "devm_clk_get"),
  clk_get_optional: manualReturn(["clock"], "devm_clk_get_optional"),
  of_clk_get: manualReturn(["clock"]),
  of_clk_get_by_name: manualReturn(["clock"]),
  devm_clk_get: devmReturn(["clock"], "clk_get"),
  devm_clk_get_optional: devmReturn(["clock"], "clk_get_optional"),
  devm_clk_get_prepared: devmReturn(["clock", "clock-prepare"]),
  devm_clk_get_enabled: devmReturn(["clock", "clock-prepare", "clock-enable"]),
  devm_clk_get_optional_prepared: devmReturn(["clock", "clock-prepare"]),
  devm_clk_get_optional_enabled: devmReturn(["clock", "clock-prepare", "clock-enable"]),
  devm_get_clk_from_child: devmReturn(["clock"]),
  clk_bulk_get: manualArg(["clock-bulk"], 1, "devm_clk_bulk_get"),
  clk_bulk_get_all: manualArg(["clock-bulk"], 1, "devm_clk_bulk_get_all"),
  devm_clk_bulk_get: devmArg(["clock-bulk"], 2, "clk_bulk_get"),
  devm_clk_bulk_get_optional: devmArg(["clock-bulk"], 2),
  devm_clk_bulk_get_all: devmArg(["clock-bulk"], 1, "clk_bulk_get_all"),
  clk_prepare_enable: manualArg(["clock-enable"], 0),
  clk_prepare: manualArg(["clock-prepare"], 0),

  // regulators
  regulator_get: manualReturn(["regulator"], "devm_regulator_get"),
  regulator_get_optional: manualReturn(["regulator"], "devm_regulator_get_optional"),
  regulator_get_exclusive: manualReturn(["regulator"], "devm_regulator_get_exclusive"),
  devm_regulator_get: devmReturn(["regulator"], "regulator_get"),
  devm_regulator_get_optional: devmReturn(["regulator"], "regulator_get_optional"),
  devm_regulator_get_exclusive: devmReturn(["regulator"], "regulator_get_exclusive"),
  regulator_bulk_get: manualArg(["regulator-bulk"], 2, "devm_regulator_bulk_get"),
  devm_regulator_bulk_get: devmArg(["regulator-bulk"], 2, "regulator_bulk_get"),
  regulator_enable: manualArg(["regulator-enable"], 0),

  // GPIO descriptors and legacy numbers
  gpiod_get: manualReturn(["gpio-desc"], "devm_gpiod_get"),
  gpiod_get_optional: manualReturn(["gpio-desc"], "devm_gpiod_get_optional"),
  gpiod_get_index: manualReturn(["gpio-desc"], "devm_gpiod_get_index"),
  gpiod_get_index_optional: manualReturn(["gpio-desc"], "devm_gpiod_get_index_optional"),
  fwnode_gpiod_get_index: manualReturn(["gpio-desc"], "devm_fwnode_gpiod_get_index"),
  devm_gpiod_get: devmReturn(["gpio-desc"], "gpiod_get"),
  devm_gpiod_get_optional: devmReturn(["gpio-desc"], "gpiod_get_optional"),
  devm_gpiod_get_index: devmReturn(["gpio-desc"], "gpiod_get_index"),
  devm_gpiod_get_index_optional: devmReturn(["gpio-desc"], "gpiod_get_index_optional"),
  devm_fwnode_gpiod_get: devmReturn(["gpio-desc"]),
  devm_fwnode_gpiod_get_index: devmReturn(["gpio-desc"], "fwnode_gpiod_get_index"),
  gpiod_get_array: manualReturn(["gpio-descs"], "devm_gpiod_get_array"),
  gpiod_get_array_optional: manualReturn(["gpio-descs"], "devm_gpiod_get_array_optional"),
  devm_gpiod_get_array: devmReturn(["gpio-descs"], "gpiod_get_array"),
  devm_gpiod_get_array_optional: devmReturn(["gpio-descs"], "gpiod_get_array_optional"),
  gpio_request: manualArg(["gpio-legacy"], 0, "devm_gpio_request"),
  gpio_request_one: manualArg(["gpio-legacy"], 0, "devm_gpio_request_one"),
  devm_gpio_request: devmArg(["gpio-legacy"], 1, "gpio_request"),
  devm_gpio_request_one: devmArg(["gpio-legacy"], 1, "gpio_request_one"),

  // reset controls, pinctrl, PHYs
  reset_control_get: manualReturn(["reset"]),
  reset_control_get_exclusive: manualReturn(["reset"], "devm_reset_control_get_exclusive"),
  reset_control_get_shared: manualReturn(["reset"], "devm_reset_control_get_shared"),
  of_reset_control_get: manualReturn(["reset"]),
  devm_reset_control_get: devmReturn(["reset"]),
  devm_reset_control_get_exclusive: devmReturn(["reset"], "reset_control_get_exclusive"),
  devm_reset_control_get_shared: devmReturn(["reset"], "reset_control_get_shared"),
  devm_reset_control_get_optional: devmReturn(["reset"]),
  devm_reset_control_get_optional_exclusive: devmReturn(["reset"]),
  devm_reset_control_get_optional_shared: devmReturn(["reset"]),
  devm_reset_control_array_get: devmReturn(["reset"]),
  pinctrl_get: manualReturn(["pinctrl"], "devm_pinctrl_get"),
  devm_pinctrl_get: devmReturn(["pinctrl"], "pinctrl_get"),
  phy_get: manualReturn(["phy"], "devm_phy_get"),
  devm_phy_get: devmReturn(["phy"], "phy_get"),
  devm_phy_optional_get: devmReturn(["phy"]),
  devm_of_phy_get: devmReturn(["phy"]),

  // DMA
  dma_alloc_coherent: manualReturn(["dma-coherent"], "dmam_alloc_coherent"),
  dma_alloc_wc: manualReturn(["dma-coherent"]),
  dmam_alloc_coherent: devmReturn(["dma-coherent"], "dma_alloc_coherent"),
  dmam_alloc_attrs: devmReturn(["dma-coherent"]),
  dma_pool_create: manualReturn(["dma-pool"], "dmam_pool_create"),
  dmam_pool_create: devmReturn(["dma-pool"], "dma_pool_create", 1),

  // workqueues and work items
  alloc_workqueue: manualReturn(["workqueue"], "devm_alloc_workqueue"),
  alloc_ordered_workqueue: manualReturn(["workqueue"], "devm_alloc_ordered_workqueue"),
  create_workqueue: manualReturn(["workqueue"]),
  create_singlethread_workqueue: manualReturn(["workqueue"]),
  create_freezable_workqueue: manualReturn(["workqueue"]),
  devm_alloc_workqueue: devmReturn(["workqueue"], "alloc_workqueue"),
  devm_alloc_ordered_workqueue: devmReturn(["workqueue"], "alloc_ordered_workqueue"),
  devm_work_autocancel: devmArg(["work"], 1, "INIT_WORK"),
  devm_delayed_work_autocancel: devmArg(["work"], 1, "INIT_DELAYED_WORK"),

  // networking
  alloc_etherdev: manualReturn(["netdev"], "devm_alloc_etherdev"),
  alloc_netdev: manualReturn(["netdev"]),
  alloc_candev: manualReturn(["netdev"]),
  devm_alloc_etherdev: devmReturn(["netdev"], "alloc_etherdev"),
  devm_alloc_etherdev_mqs: devmReturn(["netdev"]),
  register_netdev: manualArg(["netdev-registration"], 0, "devm_register_netdev"),
  devm_register_netdev: devmArg(["netdev-registration"], 1, "register_netdev"),

  // controllers and subsystem objects with devm twins
  spi_alloc_master: manualReturn(["spi-controller"], "devm_spi_alloc_master"),
  spi_alloc_slave: manualReturn(["spi-controller"], "devm_spi_alloc_slave"),
  spi_alloc_host: manualReturn(["spi-controller"], "devm_spi_alloc_host"),
  spi_alloc_target: manualReturn(["spi-controller"], "devm_spi_alloc_target"),
  devm_spi_alloc_master: devmReturn(["spi-controller"], "spi_alloc_master"),
  devm_spi_alloc_slave: devmReturn(["spi-controller"], "spi_alloc_slave"),
  devm_spi_alloc_host: devmReturn(["spi-controller"], "spi_alloc_host"),
  devm_spi_alloc_target: devmReturn(["spi-controller"], "spi_alloc_target"),
  // references taken by hand: a spi_master_put() that drops them is balanced
  spi_master_get: manualArg(["spi-controller"], 0),
  spi_controller_get: manualArg(["spi-controller"], 0),
  spi_bitbang_start: { kinds: ["spi-controller"], managed: false, resource: 0, member: ["master"] },
  spi_register_controller: manualArg(["spi-registration"], 0, "devm_spi_register_controller"),
  spi_register_master: manualArg(["spi-registration"], 0, "devm_spi_register_master"),
  devm_spi_register_controller: devmArg(["spi-registration"], 1, "spi_register_controller"),
  devm_spi_register_master: devmArg(["spi-registration"], 1, "spi_register_master"),
  i2c_add_adapter: manualArg(["i2c-adapter"], 0, "devm_i2c_add_adapter"),
  i2c_add_numbered_adapter: manualArg(["i2c-adapter"], 0),
  devm_i2c_add_adapter: devmArg(["i2c-adapter"], 1, "i2c_add_adapter"),
  input_allocate_device: manualReturn(["input-device"], "devm_input_allocate_device"),
  devm_input_allocate_device: devmReturn(["input-device", "input-registration"], "input_allocate_device"),
  input_register_device: manualArg(["input-registration"], 0),
  iio_device_alloc: manualReturn(["iio-device"], "devm_iio_device_alloc"),
  devm_iio_device_alloc: devmReturn(["iio-device"], "iio_device_alloc"),
  iio_device_register: manualArg(["iio-registration"], 0, "devm_iio_device_register"),
  devm_iio_device_register: devmArg(["iio-registration"], 1, "iio_device_register"),
  iio_trigger_register: manualArg(["iio-trigger-registration"], 0, "devm_iio_trigger_register"),
  devm_iio_trigger_register: devmArg(["iio-trigger-registration"], 1, "iio_trigger_register"),
  rtc_device_register: manualReturn(["rtc-registration"], "devm_rtc_device_register"),
  devm_rtc_device_register: devmReturn(["rtc-registration"], "rtc_device_register"),
  devm_rtc_allocate_device: devmReturn(["rtc-registration"]),
  // devm_rtc_register_device(rtc) takes no struct device: the rtc was devm-allocated.
  devm_rtc_register_device: { kinds: ["rtc-registration"], managed: true, resource: 0 },
  hwmon_device_register: manualReturn(["hwmon-registration"]),
  hwmon_device_register_with_groups: manualReturn(["hwmon-registration"], "devm_hwmon_device_register_with_groups"),
  hwmon_device_register_with_info: manualReturn(["hwmon-registration"], "devm_hwmon_device_register_with_info"),
  devm_hwmon_device_register_with_groups: devmReturn(["hwmon-registration"], "hwmon_device_register_with_groups"),
  devm_hwmon_device_register_with_info: devmReturn(["hwmon-registration"], "hwmon_device_register_with_info"),
  led_classdev_register: manualArg(["led-registration"], 1, "devm_led_classdev_register"),
  led_classdev_register_ext: manualArg(["led-registration"], 1, "devm_led_classdev_register_ext"),
  devm_led_classdev_register: devmArg(["led-registration"], 1, "led_classdev_register"),
  devm_led_classdev_register_ext: devmArg(["led-registration"], 1, "led_classdev_register_ext"),
  regmap_init: manualReturn(["regmap"], "devm_regmap_init"),
  regmap_init_i2c: manualReturn(["regmap"], "devm_regmap_init_i2c"),
  regmap_init_spi: manualReturn(["regmap"], "devm_regmap_init_spi"),
  regmap_init_mmio: manualReturn(["regmap"], "devm_regmap_init_mmio"),
  regmap_init_mmio_clk: manualReturn(["regmap"], "devm_regmap_init_mmio_clk"),
  devm_regmap_init: devmReturn(["regmap"], "regmap_init"),
  devm_regmap_init_i2c: devmReturn(["regmap"], "regmap_init_i2c"),
  devm_regmap_init_spi: devmReturn(["regmap"], "regmap_init_spi"),
  devm_regmap_init_mmio: devmReturn(["regmap"], "regmap_init_mmio"),
  devm_regmap_init_mmio_clk: devmReturn(["regmap"], "regmap_init_mmio_clk"),
  pwmchip_add: manualArg(["pwm-registration"], 0, "devm_pwmchip_add"),
  devm_pwmchip_add: devmArg(["pwm-registration"], 1, "pwmchip_add"),
  gpiochip_add_data: manualArg(["gpiochip-registration"], 0, "devm_gpiochip_add_data"),
  gpiochip_add: manualArg(["gpiochip-registration"], 0),
  devm_gpiochip_add_data: devmArg(["gpiochip-registration"], 1, "gpiochip_add_data"),
  watchdog_register_device: manualArg(["watchdog-registration"], 0, "devm_watchdog_register_device"),
  devm_watchdog_register_device: devmArg(["watchdog-registration"], 1, "watchdog_register_device"),
  mbox_controller_register: manualArg(["mbox-registration"], 0, "devm_mbox_controller_register"),
  devm_mbox_controller_register: devmArg(["mbox-registration"], 1, "mbox_controller_register"),
  backlight_device_register: manualReturn(["backlight-registration"], "devm_backlight_device_register"),
  devm_backlight_device_register: devmReturn(["backlight-registration"], "backlight_device_register"),
  power_supply_register: manualReturn(["power-supply-registration"], "devm_power_supply_register"),
  devm_power_supply_register: devmReturn(["power-supply-registration"], "power_supply_register"),
  pinctrl_register: manualReturn(["pinctrl-registration"], "devm_pinctrl_register"),
  devm_pinctrl_register: devmReturn(["pinctrl-registration"], "pinctrl_register"),

  // actions: the callback (argument 1) runs with the data (argument 2) at unbind
  devm_add_action: devmArg(["action"], 2),
  devm_add_action_or_reset: devmArg(["action"], 2),
};

// ---------------------------------------------------------------------------------------
// Releases
// ---------------------------------------------------------------------------------------

const rel = (kind: ResourceKind, resource = 0): ReleaseApi => ({ kind, resource });
const devmRel = (kind: ResourceKind, resource: number): ReleaseApi => ({ kind, resource, managedRelease: true });

export const RELEASE: Readonly<Record<string, ReleaseApi>> = {
  kfree: rel("memory"),
  kvfree: rel("memory"),
  vfree: rel("memory"),
  kfree_sensitive: rel("memory"),
  kzfree: rel("memory"),
  kfree_const: rel("memory"),
  bitmap_free: rel("memory"),
  devm_kfree: devmRel("memory", 1),
  free_pages: rel("pages"),
  devm_free_pages: devmRel("pages", 1),

  // free_irq(irq, dev_id): two arguments, the resource is the IRQ number
  free_irq: rel("irq"),
  devm_free_irq: devmRel("irq", 1),

  iounmap: rel("mmio"),
  pci_iounmap: rel("mmio", 1),
  devm_iounmap: devmRel("mmio", 1),
  pcim_iounmap: devmRel("mmio", 1),

  pci_release_regions: rel("pci-regions"),
  pcim_iounmap_regions: devmRel("pci-regions", 0),
  release_mem_region: rel("mem-region"),
  devm_release_mem_region: devmRel("mem-region", 1),
  release_region: rel("io-region"),
  devm_release_region: devmRel("io-region", 1),

  clk_put: rel("clock"),
  devm_clk_put: devmRel("clock", 1),
  clk_unprepare: rel("clock-prepare"),
  clk_disable_unprepare: rel("clock-enable"),
  clk_bulk_put: rel("clock-bulk", 1),
  clk_bulk_put_all: rel("clock-bulk", 1),

  regulator_put: rel("regulator"),
  devm_regulator_put: devmRel("regulator", 0),
  regulator_disable: rel("regulator-enable"),
  regulator_bulk_free: rel("regulator-bulk", 1),

  gpiod_put: rel("gpio-desc"),
  devm_gpiod_put: devmRel("gpio-desc", 1),
  gpiod_put_array: rel("gpio-descs"),
  devm_gpiod_put_array: devmRel("gpio-descs", 1),
  gpio_free: rel("gpio-legacy"),
  devm_gpio_free: devmRel("gpio-legacy", 1),

  reset_control_put: rel("reset"),
  pinctrl_put: rel("pinctrl"),
  devm_pinctrl_put: devmRel("pinctrl", 0),
  phy_put: rel("phy", 1),
  devm_phy_put: devmRel("phy", 1),

  dma_free_coherent: rel("dma-coherent", 2),
  dma_free_wc: rel("dma-coherent", 2),
  dmam_free_coherent: devmRel("dma-coherent", 2),
  dma_pool_destroy: rel("dma-pool"),

  destroy_workqueue: rel("workqueue"),

  free_netdev: rel("netdev"),
  unregister_netdev: rel("netdev-registration"),

  spi_controller_put: rel("spi-controller"),
  spi_master_put: rel("spi-controller"),
  spi_unregister_controller: rel("spi-registration"),
  spi_unregister_master: rel("spi-registration"),
  i2c_del_adapter: rel("i2c-adapter"),
  iio_device_free: rel("iio-device"),
  iio_device_unregister: rel("iio-registration"),
  iio_trigger_unregister: rel("iio-trigger-registration"),
  rtc_device_unregister: rel("rtc-registration"),
  hwmon_device_unregister: rel("hwmon-registration"),
  led_classdev_unregister: rel("led-registration"),
  regmap_exit: rel("regmap"),
  pwmchip_remove: rel("pwm-registration"),
  gpiochip_remove: rel("gpiochip-registration"),
  watchdog_unregister_device: rel("watchdog-registration"),
  mbox_controller_unregister: rel("mbox-registration"),
  backlight_device_unregister: rel("backlight-registration"),
  power_supply_unregister: rel("power-supply-registration"),
  pinctrl_unregister: rel("pinctrl-registration"),
  devm_remove_action: devmRel("action", 2),
  devm_release_action: devmRel("action", 2),
};

/**
 * What releasing a resource of each kind a second time does in the kernel (devres releases the
 * managed one again at unbind): the end of a no-manual-free-of-devres message. Memory is a
 * double free; a clock or regulator enable is an unbalanced disable; a registration is a double
 * unregister, which touches the already-freed registered object.
 */
const DOUBLE_UNREGISTER = "double unregister: use after free of the registered object";
const UNBALANCED_DISABLE = "unbalanced disable: the enable count underflows and the kernel WARNs";
export const CONSEQUENCE: Readonly<Record<ResourceKind, string>> = {
  memory: "double free",
  pages: "double free",
  irq: 'double free_irq: the kernel WARNs "Trying to free already-free IRQ"',
  mmio: "double unmap",
  "pci-regions": "double release",
  "mem-region": "double release",
  "io-region": "double release",
  clock: "double put",
  "clock-prepare": "unbalanced unprepare: the prepare count underflows and the kernel WARNs",
  "clock-enable": UNBALANCED_DISABLE,
  "clock-bulk": "double put",
  regulator: "double put",
  "regulator-enable": UNBALANCED_DISABLE,
  "regulator-bulk": "double put",
  "gpio-desc": "double put",
  "gpio-descs": "double put",
  "gpio-legacy": "double free of the GPIO",
  reset: "double put",
  pinctrl: "double put",
  phy: "double put",
  "dma-coherent": "double free",
  "dma-pool": "double destroy",
  workqueue: "double destroy",
  work: "double cancel",
  netdev: "double free",
  "netdev-registration": DOUBLE_UNREGISTER,
  "spi-controller": "double put",
  "spi-registration": DOUBLE_UNREGISTER,
  "i2c-adapter": DOUBLE_UNREGISTER,
  "input-device": "double free",
  "input-registration": DOUBLE_UNREGISTER,
  "iio-device": "double free",
  "iio-registration": DOUBLE_UNREGISTER,
  "iio-trigger-registration": DOUBLE_UNREGISTER,
  "rtc-registration": DOUBLE_UNREGISTER,
  "hwmon-registration": DOUBLE_UNREGISTER,
  "led-registration": DOUBLE_UNREGISTER,
  regmap: "double free",
  "pwm-registration": DOUBLE_UNREGISTER,
  "gpiochip-registration": DOUBLE_UNREGISTER,
  "watchdog-registration": DOUBLE_UNREGISTER,
  "mbox-registration": DOUBLE_UNREGISTER,
  "backlight-registration": DOUBLE_UNREGISTER,
  "power-supply-registration": DOUBLE_UNREGISTER,
  "pinctrl-registration": DOUBLE_UNREGISTER,
  action: "the action runs a second time",
};

/**
 * Kinds whose subsystem tolerates a manual release of the managed object (the input core
 * unregisters and frees a devm-allocated input device itself when asked to; pci_release_regions()
 * clears the managed region mask of a pcim device): never a double free.
 */
export const MANAGED_RELEASE_TOLERATED: ReadonlySet<ResourceKind> = new Set<ResourceKind>(["input-device", "input-registration", "pci-regions"]);

// ---------------------------------------------------------------------------------------
// kobject-style registrations (the object lives by its refcount, not by the driver)
// ---------------------------------------------------------------------------------------

export const KOBJECT_REGISTRATIONS: Readonly<Record<string, KobjectRegistrationApi>> = {
  // the driver core: the struct device (and its kobject) lives until its last put_device()
  device_register: { object: 0, embeds: "device" },
  device_add: { object: 0, embeds: "device" },
  kobject_init_and_add: { object: 0, embeds: "kobject" },
  kobject_add: { object: 0, embeds: "kobject" },
  // char devices: an open file holds the cdev's kobject (chrdev_open), cdev_del() does not wait
  cdev_add: { object: 0, embeds: "cdev" },
  cdev_device_add: { object: 0, embeds: "cdev", also: { object: 1, embeds: "device" } },
  // misc: file->private_data is the miscdevice; misc_deregister() does not wait for open files
  misc_register: { object: 0, embeds: "miscdevice" },
  // i2c adapters: i2c_del_adapter() (also devm_i2c_add_adapter's action) waits for the adapter's
  // device release before returning, so the memory outlives every reference
  i2c_add_adapter: { object: 0, embeds: "i2c_adapter", waitsForRelease: true },
  i2c_add_numbered_adapter: { object: 0, embeds: "i2c_adapter", waitsForRelease: true },
  devm_i2c_add_adapter: { object: 1, embeds: "i2c_adapter", waitsForRelease: true },
  // subsystem objects that embed a struct device registered with device_add()/device_register();
  // their unregister (counter_unregister, video_unregister_device, mdiobus_unregister,
  // auxiliary_device_delete, platform_device_del, usb_del_gadget, drm_dev_unregister) does not wait
  counter_add: { object: 0, embeds: "counter_device" },
  video_register_device: { object: 0, embeds: "video_device" },
  __video_register_device: { object: 0, embeds: "video_device" },
  mdiobus_register: { object: 0, embeds: "mii_bus" },
  __mdiobus_register: { object: 0, embeds: "mii_bus" },
  auxiliary_device_add: { object: 0, embeds: "auxiliary_device" },
  __auxiliary_device_add: { object: 0, embeds: "auxiliary_device" },
  platform_device_add: { object: 0, embeds: "platform_device" },
  platform_device_register: { object: 0, embeds: "platform_device" },
  usb_add_gadget: { object: 0, embeds: "usb_gadget" },
  usb_add_gadget_udc: { object: 1, embeds: "usb_gadget" },
  usb_add_gadget_udc_release: { object: 1, embeds: "usb_gadget" },
  drm_dev_register: { object: 0, embeds: "drm_device" },
};

/**
 * Why a registered object of each embedded type outlives the driver's unbind (the end of a
 * no-devres-to-kobject message). Types not listed live by their struct device's refcount.
 */
export const KOBJECT_OUTLIVES: Readonly<Record<string, string>> = {
  kobject: "its refcount can outlive the unbind that frees the memory (use after free when the last kobject_put() runs its release)",
  cdev: "an open file holds the cdev's kobject after the unbind that frees the memory (use after free at the last close)",
  miscdevice: "an open file still points at it after the unbind that frees the memory (use after free in its file operations)",
  // i2c_del_adapter() waits for the adapter's last reference, since its memory goes right after
  // (waitsForRelease: reported only with no-devres-to-kobject's checkBlockingUnbind option)
  i2c_adapter: "its struct device lives by its refcount: an open /dev/i2c-N keeps it past unbind, and i2c_del_adapter() then blocks unbind on that last reference because devres frees the memory right after",
};
export const KOBJECT_OUTLIVES_DEFAULT = "its refcount can outlive the unbind that frees the memory (use after free when the last put_device() runs its release)";

// ---------------------------------------------------------------------------------------
// drvdata: what probe stores, remove and the callbacks read back
// ---------------------------------------------------------------------------------------

/** Setter name -> argument indexes of the bus object and of the stored data. */
export const DRVDATA_SET: Readonly<Record<string, { object: number; data: number }>> = {
  platform_set_drvdata: { object: 0, data: 1 },
  dev_set_drvdata: { object: 0, data: 1 },
  i2c_set_clientdata: { object: 0, data: 1 },
  spi_set_drvdata: { object: 0, data: 1 },
  pci_set_drvdata: { object: 0, data: 1 },
  usb_set_intfdata: { object: 0, data: 1 },
  hid_set_drvdata: { object: 0, data: 1 },
  serdev_device_set_drvdata: { object: 0, data: 1 },
  amba_set_drvdata: { object: 0, data: 1 },
  sdio_set_drvdata: { object: 0, data: 1 },
  auxiliary_set_drvdata: { object: 0, data: 1 },
  spi_controller_set_devdata: { object: 0, data: 1 },
  spi_master_set_devdata: { object: 0, data: 1 },
  i2c_set_adapdata: { object: 0, data: 1 },
  input_set_drvdata: { object: 0, data: 1 },
  watchdog_set_drvdata: { object: 0, data: 1 },
  iio_device_set_drvdata: { object: 0, data: 1 },
};

/** Getter name -> argument index of the bus object. */
export const DRVDATA_GET: Readonly<Record<string, { object: number }>> = {
  platform_get_drvdata: { object: 0 },
  dev_get_drvdata: { object: 0 },
  i2c_get_clientdata: { object: 0 },
  spi_get_drvdata: { object: 0 },
  pci_get_drvdata: { object: 0 },
  usb_get_intfdata: { object: 0 },
  hid_get_drvdata: { object: 0 },
  serdev_device_get_drvdata: { object: 0 },
  amba_get_drvdata: { object: 0 },
  sdio_get_drvdata: { object: 0 },
  auxiliary_get_drvdata: { object: 0 },
  i2c_get_adapdata: { object: 0 },
  input_get_drvdata: { object: 0 },
  watchdog_get_drvdata: { object: 0 },
  iio_device_get_drvdata: { object: 0 },
};

/**
 * Private areas allocated together with a subsystem object (spi_alloc_host(dev, sizeof(*priv))):
 * the result lives exactly as long as the object at argument `object`.
 */
export const DEVDATA_GET: Readonly<Record<string, { object: number }>> = {
  spi_controller_get_devdata: { object: 0 },
  spi_master_get_devdata: { object: 0 },
  iio_priv: { object: 0 },
  netdev_priv: { object: 0 },
};

// ---------------------------------------------------------------------------------------
// drivers and their roles
// ---------------------------------------------------------------------------------------

const probeRemove = (bus: string, extra: Record<string, "probe" | "remove" | "shutdown"> = {}): DriverStructInfo => ({
  bus,
  roles: { probe: "probe", remove: "remove", shutdown: "shutdown", ...extra },
});

export const DRIVER_STRUCTS: Readonly<Record<string, DriverStructInfo>> = {
  platform_driver: probeRemove("platform", { remove_new: "remove" }),
  pci_driver: probeRemove("PCI"),
  i2c_driver: probeRemove("I2C", { probe_new: "probe", remove_new: "remove" }),
  spi_driver: probeRemove("SPI"),
  spi_mem_driver: probeRemove("SPI"),
  usb_driver: probeRemove("USB", { disconnect: "remove" }),
  serdev_device_driver: probeRemove("serdev"),
  amba_driver: probeRemove("AMBA"),
  sdio_driver: probeRemove("SDIO"),
  hid_driver: probeRemove("HID"),
  mdio_driver: probeRemove("MDIO"),
  virtio_driver: probeRemove("virtio"),
  auxiliary_driver: probeRemove("auxiliary"),
  i3c_driver: probeRemove("I3C"),
  mipi_dsi_driver: probeRemove("MIPI DSI"),
  mhi_driver: probeRemove("MHI"),
  rpmsg_driver: probeRemove("rpmsg"),
  slim_driver: probeRemove("SLIMbus"),
  spmi_driver: probeRemove("SPMI"),
  w1_family_ops: probeRemove("1-Wire"),
  acpi_driver: probeRemove("ACPI"),
  pcmcia_driver: probeRemove("PCMCIA"),
  platform_msi_driver: probeRemove("platform"),
};

/** module_*_driver(drv) and friends: the argument that names the driver struct; the probe when given. */
export const MODULE_DRIVER_MACROS: Readonly<Record<string, { driverArg: number; probeArg?: number }>> = {
  module_platform_driver: { driverArg: 0 },
  builtin_platform_driver: { driverArg: 0 },
  module_platform_driver_probe: { driverArg: 0, probeArg: 1 },
  builtin_platform_driver_probe: { driverArg: 0, probeArg: 1 },
  module_pci_driver: { driverArg: 0 },
  builtin_pci_driver: { driverArg: 0 },
  module_i2c_driver: { driverArg: 0 },
  builtin_i2c_driver: { driverArg: 0 },
  module_spi_driver: { driverArg: 0 },
  module_usb_driver: { driverArg: 0 },
  module_serdev_device_driver: { driverArg: 0 },
  module_amba_driver: { driverArg: 0 },
  module_sdio_driver: { driverArg: 0 },
  module_hid_driver: { driverArg: 0 },
  module_mdio_driver: { driverArg: 0 },
  module_virtio_driver: { driverArg: 0 },
  module_auxiliary_driver: { driverArg: 0 },
  module_i3c_driver: { driverArg: 0 },
  module_mipi_dsi_driver: { driverArg: 0 },
  module_driver: { driverArg: 0 },
};

/** Registration calls in module_init: `platform_driver_register(&foo_driver)`. */
export const DRIVER_REGISTER: Readonly<Record<string, { driverArg: number }>> = {
  platform_driver_register: { driverArg: 0 },
  __platform_driver_register: { driverArg: 0 },
  platform_driver_probe: { driverArg: 0 },
  pci_register_driver: { driverArg: 0 },
  i2c_add_driver: { driverArg: 0 },
  spi_register_driver: { driverArg: 0 },
  usb_register: { driverArg: 0 },
  usb_register_driver: { driverArg: 0 },
  amba_driver_register: { driverArg: 0 },
  sdio_register_driver: { driverArg: 0 },
  hid_register_driver: { driverArg: 0 },
  register_virtio_driver: { driverArg: 0 },
  auxiliary_driver_register: { driverArg: 0 },
};

/** The power-management ops struct and its callbacks (roles "pm"). */
export const PM_OPS_STRUCT = "dev_pm_ops";
/** Macros defining a dev_pm_ops: name -> argument index of the ops variable and of the callbacks. */
export const PM_OPS_MACROS: Readonly<Record<string, { ops: number; callbacks: readonly number[] }>> = {
  SIMPLE_DEV_PM_OPS: { ops: 0, callbacks: [1, 2] },
  DEFINE_SIMPLE_DEV_PM_OPS: { ops: 0, callbacks: [1, 2] },
  DEFINE_RUNTIME_DEV_PM_OPS: { ops: 0, callbacks: [1, 2, 3] },
  UNIVERSAL_DEV_PM_OPS: { ops: 0, callbacks: [1, 2, 3] },
};

/** Managed registrations that release their resource themselves when they fail (the action runs at once). */
export const RELEASES_ON_FAILURE: ReadonlySet<string> = new Set(["devm_add_action_or_reset"]);

/** Calls that return their argument (argument index): `master = spi_master_get(m)` is `m`. */
export const PASS_THROUGH: Readonly<Record<string, number>> = {
  spi_master_get: 0,
  spi_controller_get: 0,
  get_device: 0,
  of_node_get: 0,
  fwnode_handle_get: 0,
  kobject_get: 0,
};

/** container_of(ptr, type, member) and its typed variants: the containing object of `ptr`. */
export const CONTAINER_OF: ReadonlySet<string> = new Set(["container_of", "container_of_const", "from_work", "from_timer", "from_tasklet"]);

/** Null-pointer and error-pointer forms that carry no resource (`priv->buf = NULL`). */
export const NULL_VALUES: ReadonlySet<string> = new Set(["NULL", "ERR_PTR"]);

/** Prefixes of the kernel's managed-resource naming convention. */
export const MANAGED_PREFIXES: readonly string[] = ["devm_", "dmam_", "pcim_"];

/** A file's text names a managed API somewhere: the C checks' one-scan early exit. */
export const MANAGED_NAME_IN_TEXT = new RegExp(`\\b(?:${MANAGED_PREFIXES.join("|")})`);

/** devm_/dmam_/pcim_ by the kernel's naming convention (tables and unlisted names alike). */
export const isManagedName = (name: string): boolean => MANAGED_PREFIXES.some((p) => name.startsWith(p));

const own = Object.prototype.hasOwnProperty;

export function acquireApi(name: string): AcquireApi | undefined {
  return own.call(ACQUIRE, name) ? ACQUIRE[name] : undefined;
}

export function releaseApi(name: string): ReleaseApi | undefined {
  return own.call(RELEASE, name) ? RELEASE[name] : undefined;
}

export function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return own.call(table, name) ? table[name] : undefined;
}

/**
 * "A devm_ function not in the table is managed by the kernel's naming convention": its return
 * value is devm-managed, of unknown kind. Releases (devm_kfree, ...) are not acquisitions.
 */
export function isConventionallyManaged(name: string): boolean {
  return !own.call(ACQUIRE, name) && !own.call(RELEASE, name) && MANAGED_PREFIXES.some((p) => name.startsWith(p));
}

/** What a devm call does to devres: "allocation" (devm_kzalloc), "release" (devm_kfree, devm_remove_action, devm_*_unregister), "registration" (the rest). */
export function devresKind(api: string): "allocation" | "release" | "registration" {
  if (releaseApi(api)?.managedRelease || /^(?:devm|dmam|pcim)_\w*(?:free|remove|release|unmap|put|unregister)/.test(api)) return "release";
  const acq = acquireApi(api);
  if ((acq?.kinds.includes("memory") ?? false) || /^(?:devm|dmam)_\w*(?:alloc|strdup|kasprintf|kmemdup)/.test(api)) return "allocation";
  return "registration";
}
