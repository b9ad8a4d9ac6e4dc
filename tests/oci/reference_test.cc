// Image references: Docker's normalization, the tests `spindle up -f` uses
// to tell a reference from a path, and which registries get plain HTTP.
#include <gtest/gtest.h>

#include "oci/digest.h"
#include "oci/reference.h"

namespace spindle::oci {
namespace {

Reference Parse(const std::string& text) {
  auto parsed = ParseReference(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
  return parsed.ok() ? *parsed : Reference{};
}

TEST(ReferenceTest, NormalizesLikeDocker) {
  EXPECT_EQ(Parse("app").ToString(), "docker.io/library/app:latest");
  EXPECT_EQ(Parse("org/app:1.0").ToString(), "docker.io/org/app:1.0");
  EXPECT_EQ(Parse("ghcr.io/org/team/app:v2").repository, "org/team/app");
  const Reference local = Parse("localhost:5000/app");
  EXPECT_EQ(local.registry, "localhost:5000");
  EXPECT_EQ(local.repository, "app");
  EXPECT_EQ(local.tag, "latest");
  const std::string digest = DigestOf("x");
  const Reference pinned = Parse("127.0.0.1:5000/a/b@" + digest);
  EXPECT_EQ(pinned.tag, "");
  EXPECT_EQ(pinned.TagOrDigest(), digest);
  EXPECT_EQ(Parse("docker.io/library/app").ApiHost(), "registry-1.docker.io");
}

TEST(ReferenceTest, RejectsWhatRegistriesReject) {
  for (const std::string bad : {"", "App", "a//b", "a/-b", "a:", "a:-x", "a@sha256:12", "host:5000/"}) {
    EXPECT_FALSE(ParseReference(bad).ok()) << "'" << bad << "' was accepted";
  }
}

TEST(ReferenceTest, TellsReferencesFromPaths) {
  EXPECT_TRUE(LooksLikeRegistryReference("ghcr.io/org/app:1"));
  EXPECT_TRUE(LooksLikeRegistryReference("localhost:5000/app"));
  EXPECT_TRUE(LooksLikeRegistryReference("127.0.0.1:5000/app:v1"));
  EXPECT_FALSE(LooksLikeRegistryReference("app"));
  EXPECT_FALSE(LooksLikeRegistryReference("examples/hello"));
  EXPECT_FALSE(LooksLikeRegistryReference("./spin.toml"));
  EXPECT_FALSE(LooksLikeRegistryReference("/abs/dir"));
}

TEST(ReferenceTest, OnlyLoopbackIsPlainHttpByDefault) {
  EXPECT_TRUE(Parse("127.0.0.1:5000/a").IsLoopback());
  EXPECT_TRUE(Parse("127.1.2.3/a").IsLoopback());
  EXPECT_FALSE(Parse("127.0.0.1.example.com/a").IsLoopback());
  EXPECT_TRUE(Parse("localhost/a").IsLoopback());
  EXPECT_TRUE(Parse("[::1]:5000/a").IsLoopback());
  EXPECT_FALSE(Parse("ghcr.io/a").IsLoopback());
  EXPECT_FALSE(Parse("127.0.0.1.example.com/a").IsLoopback());
  EXPECT_FALSE(Parse("10.0.0.1:5000/a").IsLoopback());
}

TEST(ReferenceTest, SanitizesNamesAndTags) {
  EXPECT_EQ(SanitizeRepositoryName("My App!"), "my-app");
  EXPECT_EQ(SanitizeTag("1.0.0+build.5"), "1.0.0-build.5");
  EXPECT_EQ(SanitizeTag("-rc"), "_rc");
  EXPECT_EQ(SanitizeTag(""), "latest");
}

}  // namespace
}  // namespace spindle::oci
