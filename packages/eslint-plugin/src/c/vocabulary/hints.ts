/**
 * Kernel macro hints for the C language's pre-pass (`languageOptions.macroHints`): macros
 * defined in headers the parser never sees, which would otherwise break the parse. Each list
 * is rewritten with same-length text, so locations stay exact (see
 * packages/eslint-language-c/README.md). Tuned against Debian's linux-source-6.1 drivers/
 * (scripts/c-parse-bench.mjs reports the ERROR rate with and without these lists).
 */

/** Annotations that expand to attributes or nothing: blanked. */
export const kernelAnnotations: readonly string[] = [
  // sparse address spaces and checker annotations
  "__iomem", "__user", "__kernel", "__percpu", "__rcu", "__force", "__bitwise", "__safe", "__nocast",
  "__private", "__must_check", "__maybe_unused", "__always_unused", "__used", "__unused",
  "__always_inline", "noinline", "__noinline", "__cold", "__hot", "__pure", "__const", "__weak",
  "__noreturn", "__packed", "__aligned_largest", "__visible", "__flatten", "__noclone",
  "notrace", "__notrace", "__cacheline_aligned", "__cacheline_aligned_in_smp", "____cacheline_aligned",
  "____cacheline_aligned_in_smp", "__read_mostly", "__ro_after_init", "__randomize_layout",
  "__no_randomize_layout", "__latent_entropy", "__nocfi", "__noinstr", "noinstr",
  "__no_kcsan", "__no_sanitize_address", "__fallthrough", "__counted_by", "__nonstring",
  "__malloc", "__deprecated",
  // section placement
  "__init", "__exit", "__initdata", "__exitdata", "__initconst", "__exitconst", "__devinit",
  "__devexit", "__devinitdata", "__devinitconst", "__refdata", "__ref", "__refconst",
  "__meminit", "__meminitdata", "__cpuinit", "__init_or_module", "__initdata_or_module",
  "__sched", "__kprobes", "__irq_entry", "__softirq_entry",
  // endianness-typed integers need no hint (they are typedefs); these are storage qualifiers
  "asmlinkage", "__nosavedata", "__page_aligned_data", "__page_aligned_bss",
  "__net_init", "__net_exit", "__net_initdata", "noinline_for_stack", "__attribute_const__",
  "ACPI_INTERNAL_VAR_XFACE", "ACPI_SYSTEM_XFACE", "ACPI_EXTERNAL_XFACE", "ACPI_EXPORT_SYMBOL_INIT",
  "ACPI_INIT_FUNCTION", "__xipram", "__exception_irq_entry", "__init_or_acpilib", "__initdata_or_acpilib",
  "__cpuidle", "INDIRECT_CALLABLE_SCOPE", "__efiapi", "__init_memblock", "__initconst_or_module",
  "__nostackprotector", "__no_kasan_or_inline", "__no_sanitize_undefined", "__noscs", "__iomem_or_user",
];

/**
 * Annotation macros with an argument list: blanked together with their arguments. `__free(f)`
 * (scope-based cleanup, <linux/cleanup.h>) is among them: the declaration then parses, and
 * the analysis finds the cleanup in the declaration's source text (`getText`), not the tree.
 */
export const kernelAnnotationFunctions: readonly string[] = [
  "__acquires", "__releases", "__must_hold", "__acquire", "__release", "__cond_lock",
  "__printf", "__scanf", "__aligned", "__section", "__alloc_size", "__attribute",
  "__assume_aligned", "__designated_init", "__counted_by", "__guarded_by", "__pt_guarded_by",
  "__no_sanitize_or_inline", "__diagnose_as", "__cleanup", "__free",
];

/** Iterator macros: `NAME(args) stmt` reads as a loop. */
export const kernelIterators: readonly string[] = [
  // <linux/list.h>, hlist, llist, rculist
  "list_for_each", "list_for_each_prev", "list_for_each_safe", "list_for_each_prev_safe",
  "list_for_each_entry", "list_for_each_entry_reverse", "list_for_each_entry_continue",
  "list_for_each_entry_continue_reverse", "list_for_each_entry_from", "list_for_each_entry_from_reverse",
  "list_for_each_entry_safe", "list_for_each_entry_safe_continue", "list_for_each_entry_safe_from",
  "list_for_each_entry_safe_reverse", "list_for_each_continue", "list_for_each_rcu",
  "list_for_each_entry_rcu", "list_for_each_entry_srcu", "list_for_each_entry_continue_rcu",
  "list_for_each_entry_from_rcu", "list_for_each_entry_lockless",
  "hlist_for_each", "hlist_for_each_safe", "hlist_for_each_entry", "hlist_for_each_entry_safe",
  "hlist_for_each_entry_continue", "hlist_for_each_entry_from", "hlist_for_each_entry_rcu",
  "hlist_for_each_entry_rcu_bh", "hlist_for_each_entry_continue_rcu", "hlist_for_each_entry_srcu",
  "hlist_nulls_for_each_entry", "hlist_nulls_for_each_entry_rcu", "hlist_nulls_for_each_entry_safe",
  "llist_for_each", "llist_for_each_safe", "llist_for_each_entry", "llist_for_each_entry_safe",
  "hash_for_each", "hash_for_each_safe", "hash_for_each_rcu", "hash_for_each_possible",
  "hash_for_each_possible_safe", "hash_for_each_possible_rcu",
  // bitmaps and cpumasks
  "for_each_set_bit", "for_each_set_bit_from", "for_each_clear_bit", "for_each_clear_bit_from",
  "for_each_set_bitrange", "for_each_set_clump8", "for_each_cpu", "for_each_cpu_and",
  "for_each_cpu_not", "for_each_cpu_wrap", "for_each_possible_cpu", "for_each_online_cpu",
  "for_each_present_cpu", "for_each_node", "for_each_online_node", "for_each_node_state",
  "for_each_node_mask", "for_each_zone",
  // device tree, ACPI, fwnode, device links
  "for_each_child_of_node", "for_each_available_child_of_node", "for_each_node_by_name",
  "for_each_node_by_type", "for_each_compatible_node", "for_each_matching_node",
  "for_each_matching_node_and_match", "for_each_node_with_property", "for_each_property_of_node",
  "for_each_of_allnodes", "for_each_of_allnodes_from", "of_property_for_each_u32",
  "of_property_for_each_string", "for_each_of_pci_range",
  "device_for_each_child_node", "fwnode_for_each_child_node", "fwnode_for_each_available_child_node",
  "fwnode_graph_for_each_endpoint", "for_each_endpoint_of_node", "fwnode_for_each_parent_node",
  "list_for_each_codec", "list_for_each_codec_safe",
  // scatterlists, buses, misc
  "for_each_sg", "for_each_sgtable_sg", "for_each_sgtable_dma_sg", "for_each_sg_page",
  "for_each_sg_dma_page", "for_each_sgtable_page", "for_each_sgtable_dma_page",
  "for_each_pci_dev", "for_each_pci_bridge", "pci_bus_for_each_resource", "pci_dev_for_each_resource",
  "resource_list_for_each_entry", "resource_list_for_each_entry_safe",
  "idr_for_each_entry", "idr_for_each_entry_ul", "idr_for_each_entry_continue",
  "xa_for_each", "xa_for_each_start", "xa_for_each_range", "xa_for_each_marked",
  "radix_tree_for_each_slot", "rbtree_postorder_for_each_entry_safe",
  "for_each_netdev", "for_each_netdev_safe", "for_each_netdev_rcu", "netdev_for_each_mc_addr",
  "netdev_for_each_uc_addr", "netdev_for_each_lower_dev", "netdev_for_each_upper_dev_rcu",
  "netdev_hw_addr_list_for_each", "skb_queue_walk", "skb_queue_walk_safe", "skb_queue_walk_from",
  "skb_queue_walk_from_safe", "skb_queue_reverse_walk", "skb_queue_reverse_walk_safe",
  "skb_rbtree_walk", "skb_walk_frags", "nla_for_each_attr", "nla_for_each_nested",
  "for_each_gpio_desc", "for_each_gpio_desc_with_flag", "for_each_requested_gpio",
  "for_each_requested_gpio_in_range", "for_each_set_bit_wrap",
  "drm_for_each_connector_iter", "drm_for_each_encoder", "drm_for_each_crtc", "drm_for_each_plane",
  "drm_for_each_plane_mask", "drm_for_each_encoder_mask", "drm_for_each_bridge_in_chain",
  "drm_for_each_fb", "drm_for_each_privobj", "for_each_new_connector_in_state",
  "for_each_old_connector_in_state", "for_each_oldnew_connector_in_state",
  "for_each_new_crtc_in_state", "for_each_old_crtc_in_state", "for_each_oldnew_crtc_in_state",
  "for_each_new_plane_in_state", "for_each_old_plane_in_state", "for_each_oldnew_plane_in_state",
  "for_each_new_private_obj_in_state", "for_each_oldnew_private_obj_in_state",
  "sdw_for_each_slave", "snd_soc_dapm_widget_for_each_sink_path", "snd_soc_dapm_widget_for_each_source_path",
  "for_each_rtd_components", "for_each_rtd_codec_dais", "for_each_rtd_cpu_dais", "for_each_rtd_dais",
  "for_each_card_rtds", "for_each_card_components", "for_each_card_prelinks", "for_each_card_widgets",
  "for_each_component_dais", "for_each_dpcm_be", "for_each_dpcm_fe", "for_each_link_codecs",
  "for_each_link_cpus", "for_each_link_platforms",
  "usb_for_each_dev", "mdev_for_each", "for_each_thread", "for_each_process",
  "for_each_mem_range", "for_each_mem_pfn_range", "for_each_free_mem_range",
  "bio_for_each_segment", "bio_for_each_segment_all", "bio_for_each_bvec", "rq_for_each_segment",
  "rq_for_each_bvec", "__rq_for_each_bio", "bio_for_each_folio_all", "queue_for_each_hw_ctx",
  "hctx_for_each_ctx", "for_each_bio", "bvec_for_each_segment",
  "mei_cl_bus_for_each_dev", "klist_for_each", "plist_for_each", "plist_for_each_entry",
  "plist_for_each_entry_safe", "mt_for_each", "mas_for_each", "interval_tree_for_each_span",
  "for_each_dapm_widgets", "for_each_ethtool_rss_ctx",
  // subsystem iterators of include/ used at least 3 times in drivers/ (scripts/c-parse-bench.mjs tuning)
  "ata_for_each_dev", "scsi_for_each_sg", "shost_for_each_device", "bond_for_each_slave",
  "ata_for_each_link", "flow_action_for_each", "for_each_iommu", "rdma_for_each_port",
  "for_each_prime_number_from", "drm_atomic_for_each_plane_damage", "drm_mm_for_each_node_safe",
  "drm_connector_for_each_possible_encoder", "for_each_active_iommu", "bond_for_each_slave_rcu",
  "for_each_sibling_event", "media_device_for_each_entity", "for_each_efi_memory_desc",
  "drm_client_for_each_modeset", "__shost_for_each_device", "drm_atomic_crtc_for_each_plane",
  "dma_resv_for_each_fence_unlocked", "skb_list_walk_safe", "for_each_active_dev_scope",
  "dma_resv_for_each_fence", "rdma_umem_for_each_dma_block", "msi_for_each_desc", "for_each_of_cpu_node",
  "dsa_switch_for_each_user_port", "dsa_switch_for_each_cpu_port", "dma_fence_unwrap_for_each",
  "v4l2_device_for_each_subdev", "drm_atomic_crtc_state_for_each_plane_state",
  "cpufreq_for_each_valid_entry", "cpufreq_for_each_entry", "v4l2_m2m_for_each_dst_buf",
  "of_for_each_phandle", "mci_for_each_dimm", "for_each_prime_number", "for_each_netdev_in_bond_rcu",
  "dma_fence_chain_for_each", "sk_for_each", "i3c_bus_for_each_i3cdev", "for_each_dss_dev",
  "drm_mm_for_each_node", "for_each_if", "for_each_drhd_unit", "drm_atomic_crtc_state_for_each_plane",
  "ata_qc_for_each_raw", "pnp_for_each_dev", "media_entity_for_each_pad", "in_dev_for_each_ifa_rcu",
  "gadget_for_each_ep", "for_each_new_mst_mgr_in_state", "for_each_gpiochip_node", "for_each_console",
  "for_each_child_of_node_scoped", "dsa_switch_for_each_available_port", "drm_mm_for_each_hole",
  "displayid_iter_for_each", "v4l2_m2m_for_each_src_buf_safe", "v4l2_m2m_for_each_src_buf",
  "usb_hub_for_each_child", "i3c_bus_for_each_i2cdev", "for_each_dma_cap_mask", "for_each_dev_scope",
  "for_each_dev_addr", "bio_list_for_each", "apei_estatus_for_each_section", "__bio_for_each_segment",
  "tcf_exts_for_each_action", "tb_property_for_each", "for_each_nonreserved_multicast_dest_pgid",
  "for_each_media_entity_data_link", "for_each_func_rsrc", "for_each_available_child_of_node_scoped",
  "for_each_acpi_dev_match", "dsa_switch_for_each_port", "drm_mm_for_each_node_in_range",
  "drm_client_for_each_connector_iter", "cpufreq_for_each_valid_entry_idx", "card_for_each_dev",
];

/** All of the above, as the C language's `languageOptions.macroHints` (heuristics on). */
export const kernelMacroHints = {
  annotations: kernelAnnotations,
  annotationFunctions: kernelAnnotationFunctions,
  iterators: kernelIterators,
  heuristics: true,
} as const;
