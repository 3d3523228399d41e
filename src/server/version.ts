// The etcd API level the server speaks (the vendored .proto files are v3.4.23's), reported by
// Maintenance.Status and /version as etcd reports its own version.
export const ETCD_API_VERSION = '3.4.23';
export const ETCD_CLUSTER_VERSION = '3.4.0';
