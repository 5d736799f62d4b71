// Written by `deno task schema` from the catalogue: do not edit by hand.
/**
 * The fields of each event type as the catalogue declares them, with the
 * type of their values: what a collector may put in an event.
 *
 * @module
 */

/** The fields of each event type. */
export interface EventFields {
  "install": {
    "correlation_id"?: string;
    "version"?: string;
    "severity"?: "Informational" | "Warning" | "Error";
    "code"?: "install" | "upgrade" | "reinstall" | "uninstall";
    "text"?: string;
  };
  "configuration": {
    "antivirus_engine.enable_real_time_protection"?: boolean;
    "antivirus_engine.passive_mode"?: boolean;
    "cloud_service.enabled"?: boolean;
    "cloud_service.timeout"?: number;
    "cloud_service.heartbeat_interval"?: number;
    "cloud_service.service_uri"?: string | null;
    "cloud_service.diagnostic_level"?: "required" | "optional";
    "cloud_service.automatic_sample_submission"?: "none" | "safe" | "all";
    "cloud_service.automatic_definition_update_enabled"?: boolean;
    "edr.early_preview"?: boolean;
    "edr.group_id"?: string | null;
    "edr.tags"?: readonly string[];
    [key: `features.${string}`]: boolean;
    "connection_retry_timeout"?: number;
    "file_hash_cache_maximum"?: number;
    "crash_upload_daily_limit"?: number;
    "antivirus_engine.scan_cache_maximum"?: number;
    "antivirus_engine.maximum_scan_threads"?: number;
    "antivirus_engine.threat_restoration_exclusion_time"?: number;
    "antivirus_engine.threat_type_settings"?: Readonly<Record<string, unknown>>;
    "filesystem_scanner.full_scan_directory"?: string;
    "filesystem_scanner.quick_scan_directories"?: readonly string[];
    "edr.latency_mode"?: "normal" | "low";
    "edr.proxy_address"?: string | null;
    "log_public_key"?: string | null;
    "antivirus_engine.exclusions"?: readonly {
      "is_directory"?: boolean;
      "path"?: string;
      "extension"?: string;
      "name"?: string;
    }[];
  };
  "auto_update_configuration": {
    "how_to_check"?: "automatic" | "manual";
    "channel_name"?: string;
    "manifest_server"?: string | null;
    "update_cache"?: string;
  };
  "security_intelligence_update": {
    "from_version"?: string | null;
    "to_version"?: string | null;
    "status"?: "success" | "failure";
    "using_proxy"?: boolean;
    "error"?: number | null;
    "reason"?: string | null;
  };
  "kernel_statistics": {
    "version"?: string;
    "instance_id"?: string;
    "trace_level"?: "off" | "error" | "warning" | "info" | "debug";
    "subsystem"?: "ebpf" | "fanotify" | "inotify" | "unavailable";
    "ipc.connects"?: number;
    "ipc.rejects"?: number;
    "ipc.connected"?: boolean;
    "pkt_ack_timeout"?: number | null;
    "pkt_ack_conn_timeout"?: number | null;
    "ipc.ack_pkts"?: number | null;
    "ipc.nack_pkts"?: number | null;
    "ipc.send.ack_no_conn"?: number | null;
    "ipc.send.nack_no_conn"?: number | null;
    "ipc.send.ack_no_qsq"?: number | null;
    "ipc.send.nack_no_qsq"?: number | null;
    "ipc.ack.no_space"?: number | null;
    "ipc.ack.timeout"?: number | null;
    "ipc.ack.ackd_fast"?: number | null;
    "ipc.ack.ackd"?: number | null;
    "ipc.recv.bad_pkt_len"?: number | null;
    "ipc.recv.bad_reply_len"?: number | null;
    "ipc.recv.no_waiter"?: number | null;
    "ipc.recv.copy_failed"?: number | null;
    "ipc.kauth.vnode.mask"?: number | null;
    "ipc.kauth.vnode.read"?: number | null;
    "ipc.kauth.vnode.write"?: number | null;
    "ipc.kauth.vnode.exec"?: number | null;
    "ipc.kauth.vnode.del"?: number | null;
    "ipc.kauth.vnode.read_attr"?: number | null;
    "ipc.kauth.vnode.write_attr"?: number | null;
    "ipc.kauth.vnode.read_ex_attr"?: number | null;
    "ipc.kauth.vnode.write_ex_attr"?: number | null;
    "ipc.kauth.vnode.read_sec"?: number | null;
    "ipc.kauth.vnode.write_sec"?: number | null;
    "ipc.kauth.vnode.take_own"?: number | null;
    "ipc.kauth.vnode.link"?: number | null;
    "ipc.kauth.vnode.create"?: number | null;
    "ipc.kauth.vnode.move"?: number | null;
    "ipc.kauth.vnode.mount"?: number | null;
    "ipc.kauth.vnode.denied"?: number | null;
    "ipc.kauth.vnode.ackd_before_deadline"?: number | null;
    "ipc.kauth.vnode.missed_deadline"?: number | null;
    "ipc.kauth.file_op.mask"?: number | null;
    "ipc.kauth_file_op.open"?: number | null;
    "ipc.kauth.file_op.close"?: number | null;
    "ipc.kauth.file_op.close_modified"?: number | null;
    "ipc.kauth.file_op.move"?: number | null;
    "ipc.kauth.file_op.link"?: number | null;
    "ipc.kauth.file_op.exec"?: number | null;
    "ipc.kauth.file_op.remove"?: number | null;
    "ipc.kauth.file_op.unmount"?: number | null;
    "ipc.kauth.file_op.fork"?: number | null;
    "ipc.kauth.file_op.create"?: number | null;
    "queue_overflows"?: number | null;
  };
  "system_statistics": {
    "uptime"?: number;
    "load.1m"?: number;
    "load.5m"?: number;
    "load.15m"?: number;
    "memory.total"?: number;
    "memory.free"?: number;
    "memory.available"?: number | null;
    "memory.shared"?: number;
    "memory.buffers"?: number;
    "swap.total"?: number;
    "swap.free"?: number;
    "processes"?: number;
    "cpu.online"?: number;
    "cpu.configured"?: number;
    "page_size"?: number;
    "clock_ticks"?: number;
    "kernel.sysname"?: string;
    "kernel.release"?: string;
    "kernel.version"?: string;
    "kernel.machine"?: string;
    "root_fs.total"?: number;
    "root_fs.free"?: number;
    "root_fs.available"?: number;
    "root_fs.inodes_total"?: number;
    "root_fs.inodes_free"?: number;
    "agent.cpu_user"?: number;
    "agent.cpu_system"?: number;
    "agent.max_rss"?: number;
    "agent.rss"?: number;
    "cpu_time.user"?: number;
    "cpu_time.nice"?: number;
    "cpu_time.system"?: number;
    "cpu_time.idle"?: number;
    "cpu_time.iowait"?: number;
    "cpu_time.irq"?: number;
    "cpu_time.softirq"?: number;
    "cpu_time.steal"?: number;
    [key: `vmstat.${string}`]: number;
    [key: `meminfo.${string}`]: number;
    "pressure.cpu.some_avg10"?: number | null;
    "pressure.cpu.some_avg60"?: number | null;
    "pressure.cpu.some_avg300"?: number | null;
    "pressure.cpu.some_total"?: number | null;
    "pressure.cpu.full_avg10"?: number | null;
    "pressure.cpu.full_avg60"?: number | null;
    "pressure.cpu.full_avg300"?: number | null;
    "pressure.cpu.full_total"?: number | null;
    "pressure.memory.some_avg10"?: number | null;
    "pressure.memory.some_avg60"?: number | null;
    "pressure.memory.some_avg300"?: number | null;
    "pressure.memory.some_total"?: number | null;
    "pressure.memory.full_avg10"?: number | null;
    "pressure.memory.full_avg60"?: number | null;
    "pressure.memory.full_avg300"?: number | null;
    "pressure.memory.full_total"?: number | null;
    "pressure.io.some_avg10"?: number | null;
    "pressure.io.some_avg60"?: number | null;
    "pressure.io.some_avg300"?: number | null;
    "pressure.io.some_total"?: number | null;
    "pressure.io.full_avg10"?: number | null;
    "pressure.io.full_avg60"?: number | null;
    "pressure.io.full_avg300"?: number | null;
    "pressure.io.full_total"?: number | null;
    "filesystems"?: readonly {
      "mount_point"?: string;
      "fs_type"?: string;
      "total"?: number;
      "free"?: number;
      "available"?: number;
      "inodes_total"?: number;
      "inodes_free"?: number;
    }[];
  };
  "diagnostic_log_upload_started": {
    "upload_id"?: string;
    "destination_host"?: string;
    "sha256"?: string;
    "size"?: number;
    "original_path"?: string;
    "format"?: "json.gz";
  };
  "diagnostic_log_upload_completed": {
    "upload_id"?: string;
    "destination_host"?: string;
    "request_id"?: string | null;
    "sha256"?: string;
    "blob_sas_uri"?: string;
  };
  "diagnostic_log_upload_failed": {
    "upload_id"?: string;
    "destination_host"?: string;
    "error"?: string;
    "status"?: number | null;
    "sha256"?: string;
  };
  "crash": {
    "reason"?: "uncaught_exception" | "unhandled_rejection" | "watchdog" | "unclean_shutdown";
    "crashed_at"?: number | null;
    "crashed_version"?: string | null;
    "started_at"?: number | null;
    "last_seen_at"?: number | null;
    "uptime"?: number | null;
    "error_name"?: string | null;
    "error_message"?: string | null;
    "error_stack"?: string | null;
    "collector_states"?: Readonly<Record<string, unknown>> | null;
    "rss"?: number | null;
    "heap_used"?: number | null;
    "last_level"?: "required" | "optional" | null;
    "managed_state"?: string | null;
  };
  "diagnostic_level_change": {
    "from_level"?: "required" | "optional";
    "to_level"?: "required" | "optional";
    "source"?: "default" | "local" | "managed" | "fail_closed";
    "deleted_records"?: number;
    "deleted_at"?: number | null;
  };
  "support_log_consent": {
    "granted"?: boolean;
    "actor"?: string;
    "purpose"?: string;
    "bundles_deleted"?: number | null;
  };
  "diagnostic_data_deletion": {
    "actor"?: string;
    "requested_at"?: number;
    "deleted_required"?: number;
    "deleted_optional"?: number;
    "withdrawn_required"?: number;
    "withdrawn_optional"?: number;
    "samples_deleted"?: number;
    "bundles_deleted"?: number;
    "data_from"?: number | null;
    "data_to"?: number | null;
  };
  "storage_eviction": {
    "tier"?: "required" | "optional";
    "evicted_records"?: number;
    "oldest_kept_at"?: number | null;
    "limit_bytes"?: number;
    "used_bytes"?: number;
  };
  "watchdog_action": {
    "action"?: "shed" | "restore";
    "budget"?: "cpu" | "rss";
    "measured"?: number;
    "limit"?: number;
    "stage"?: "none" | "longer_intervals" | "optional_paused" | "file_activity_paused";
  };
  "heartbeat": {
    "uptime"?: number;
    "outbox_required"?: number;
    "outbox_optional"?: number;
    "last_delivery_at"?: number | null;
    "level"?: "required" | "optional";
    "log_tree_size"?: number;
    "log_root_hash"?: string;
    "log_tree_time"?: number;
    "log_signature"?: string;
    "log_public_key"?: string;
  };
  "sample_detection": {
    "sample_id"?: string;
    "signature"?: string | null;
    "sha256"?: string | null;
    "size"?: number | null;
    "file_type"?: string | null;
    "decision"?: "submit" | "hold" | "keep" | "defer" | "unconfirmed";
    "reason"?: string;
    "path"?: string | null;
  };
  "sample_decision": {
    "sample_id"?: string;
    "decision"?: "approve" | "decline" | "hold" | "expire" | "withdraw" | "drop";
    "actor"?: string;
    "reason"?: string;
  };
  "sample_submission_started": {
    "sample_id"?: string;
    "sha256"?: string;
    "destination_host"?: string;
    "size"?: number;
    "attempt"?: number;
  };
  "sample_submission_completed": {
    "sample_id"?: string;
    "sha256"?: string;
    "destination_host"?: string;
    "request_id"?: string | null;
    "blob_uri"?: string;
  };
  "sample_submission_failed": {
    "sample_id"?: string;
    "sha256"?: string;
    "destination_host"?: string;
    "error"?: string;
    "status"?: number | null;
    "retry_at"?: number | null;
  };
}
