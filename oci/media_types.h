// Media types and annotation keys of the OCI image spec, containerd and Spin
// (containerd-and-oci.md §3), in one place.
#pragma once

namespace spindle::oci {

inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciLayerTarGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";

// Spin's registry artifact.
inline constexpr char kWasmLayer[] = "application/vnd.wasm.content.layer.v1+wasm";
inline constexpr char kDataLayer[] = "application/vnd.wasm.content.layer.v1+data";
inline constexpr char kArchiveLayer[] = "application/vnd.wasm.content.bundle.v1.tar+gzip";
inline constexpr char kSpinLockedApp[] = "application/vnd.fermyon.spin.application.v1+config";
inline constexpr char kLockedAppDigestLabel[] = "com.fermyon.spin.lockedAppDigest";

// Image-layout and manifest annotations.
inline constexpr char kContainerdImageName[] = "io.containerd.image.name";
inline constexpr char kRefName[] = "org.opencontainers.image.ref.name";
inline constexpr char kTitle[] = "org.opencontainers.image.title";
inline constexpr char kVersion[] = "org.opencontainers.image.version";
inline constexpr char kDescription[] = "org.opencontainers.image.description";
inline constexpr char kAuthors[] = "org.opencontainers.image.authors";
inline constexpr char kCreated[] = "org.opencontainers.image.created";

// Platform of every image Spindle writes, as Spin and runwasi use it.
inline constexpr char kWasmArchitecture[] = "wasm";
inline constexpr char kWasmOs[] = "wasip1";

}  // namespace spindle::oci
