// Glob matching (app/glob.h) and files resolution (app/files.h) against a
// real temporary app directory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/files.h"
#include "app/glob.h"
#include "tests/unit/app_test_util.h"

namespace spindle::app {
namespace {

using testing::AppDir;
using testing::Strings;
using testing::V2;
namespace fs = std::filesystem;

TEST(ManifestGlob, Matching) {
  const GlobSlash path = GlobSlash::kPath;
  EXPECT_TRUE(GlobMatch("*.txt", "a.txt", path));
  EXPECT_FALSE(GlobMatch("*.txt", "d/a.txt", path));
  EXPECT_TRUE(GlobMatch("d/?.txt", "d/a.txt", path));
  EXPECT_FALSE(GlobMatch("d/?.txt", "d/ab.txt", path));
  EXPECT_TRUE(GlobMatch("d/[ab].txt", "d/b.txt", path));
  EXPECT_FALSE(GlobMatch("d/[!ab].txt", "d/b.txt", path));
  EXPECT_TRUE(GlobMatch("d/[a-c]x", "d/bx", path));
  EXPECT_TRUE(GlobMatch("d/[]]x", "d/]x", path));
  EXPECT_TRUE(GlobMatch("**/*.css", "a.css", path));
  EXPECT_TRUE(GlobMatch("**/*.css", "x/y/a.css", path));
  EXPECT_TRUE(GlobMatch("static/**/*", "static/a/b/c.txt", path));
  EXPECT_TRUE(GlobMatch("static/**/*", "static/c.txt", path));
  EXPECT_FALSE(GlobMatch("static/**/*", "other/c.txt", path));
  EXPECT_TRUE(GlobMatch("a/**/b/*.md", "a/b/x.md", path));
  EXPECT_TRUE(GlobMatch("a/**/b/*.md", "a/q/r/b/x.md", path));
  EXPECT_TRUE(GlobMatch("static/**", "static/x/y", path));
  EXPECT_TRUE(GlobMatch("*", ".hidden", path));
  // exclude_files: '*' crosses '/', as in Spin.
  EXPECT_TRUE(GlobMatch("static/secret/*", "static/secret/a/b.txt", GlobSlash::kText));
  EXPECT_FALSE(GlobMatch("static/secret/*", "static/secret/a/b.txt", path));
  EXPECT_TRUE(GlobMatch("**/*.md", "README.md", GlobSlash::kText));
  EXPECT_TRUE(ValidateGlob("a/**/b").ok());
  EXPECT_FALSE(ValidateGlob("a**").ok());
  EXPECT_FALSE(ValidateGlob("a/**b").ok());
  EXPECT_FALSE(ValidateGlob("[ab").ok());
  EXPECT_FALSE(GlobMatch("[ab", "a", path));
  EXPECT_TRUE(LooksLikeGlob("a/*.txt"));
  EXPECT_FALSE(LooksLikeGlob("a/b.txt"));
}

// ---------------------------------------------------------------------------
// Files resolution

class ResolveFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("a.wasm");
    for (const char* file :
         {"static/index.html", "static/css/site.css", "static/css/print.css", "static/secret/key",
          "static/secret/deep/key2", "assets/img/logo.png", "assets/img/icons/x.svg",
          "notes.md", "docs/guide.md", "docs/api/ref.md", "data.json"}) {
      dir_.Write(file, file);
    }
  }

  // Loads a v2 app whose component has `fields`, and resolves its files.
  Result<std::vector<FileMount>> Resolve(const std::string& fields) {
    dir_.Manifest(V2("", fields));
    Result<App> app = dir_.Load();
    if (!app.ok()) return std::move(app).error();
    app_ = std::move(app).value();
    return ResolveFiles(app_, app_.components[0]);
  }

  // "guest <- host-relative" lines, "[dir]" for directory mounts.
  Strings Describe(const std::vector<FileMount>& mounts) const {
    Strings out;
    for (const FileMount& mount : mounts) {
      out.push_back(mount.destination + " <- " +
                    mount.source.lexically_relative(dir_.root()).generic_string() +
                    (mount.is_directory ? " [dir]" : ""));
    }
    return out;
  }

  Strings Mounts(const std::string& fields) {
    Result<std::vector<FileMount>> mounts = Resolve(fields);
    EXPECT_TRUE(mounts.ok()) << mounts.error().message;
    return mounts.ok() ? Describe(*mounts) : Strings{};
  }

  std::string ResolveError(const std::string& fields) {
    Result<std::vector<FileMount>> mounts = Resolve(fields);
    EXPECT_FALSE(mounts.ok());
    return mounts.ok() ? "" : dir_.Strip(mounts.error().message);
  }

  AppDir dir_;
  App app_;
};

TEST_F(ResolveFilesTest, NoFiles) { EXPECT_EQ(Mounts(""), Strings{}); }

TEST_F(ResolveFilesTest, DirectoryAndFile) {
  EXPECT_EQ(Mounts("files = [\"static\", \"notes.md\", \"docs/api/\"]\n"),
            (Strings{"/static <- static [dir]", "/notes.md <- notes.md",
                     "/docs/api <- docs/api [dir]"}));
}

TEST_F(ResolveFilesTest, WholeAppDirectory) {
  EXPECT_EQ(Mounts("files = [\".\"]\n"), Strings{"/ <- . [dir]"});
}

TEST_F(ResolveFilesTest, Globs) {
  EXPECT_EQ(Mounts("files = [\"static/css/*.css\", \"*.md\", \"d?ta.[jx]son\"]\n"),
            (Strings{"/static/css/print.css <- static/css/print.css",
                     "/static/css/site.css <- static/css/site.css", "/notes.md <- notes.md",
                     "/data.json <- data.json"}));
}

TEST_F(ResolveFilesTest, DoubleStar) {
  EXPECT_EQ(Mounts("files = [\"**/*.md\"]\n"),
            (Strings{"/docs/api/ref.md <- docs/api/ref.md", "/docs/guide.md <- docs/guide.md",
                     "/notes.md <- notes.md"}));
  EXPECT_EQ(Mounts("files = [\"assets/**/*\"]\n"),
            (Strings{"/assets/img/icons/x.svg <- assets/img/icons/x.svg",
                     "/assets/img/logo.png <- assets/img/logo.png"}));
}

TEST_F(ResolveFilesTest, GlobWithoutMatchesIsEmpty) {
  EXPECT_EQ(Mounts("files = [\"nothing/*.txt\", \"*.nope\"]\n"), Strings{});
}

TEST_F(ResolveFilesTest, Mappings) {
  EXPECT_EQ(Mounts("files = [{ source = \"assets/img\", destination = \"/img\" },\n"
                   "         { source = \"notes.md\", destination = \"/etc/notes.txt\" },\n"
                   "         { source = \"docs\", destination = \"/\" }]\n"),
            (Strings{"/img <- assets/img [dir]", "/etc/notes.txt <- notes.md", "/ <- docs [dir]"}));
}

TEST_F(ResolveFilesTest, RelativeDestinationIsUnderRoot) {
  EXPECT_EQ(Mounts("files = [{ source = \"notes.md\", destination = \"etc/n.md\" }]\n"),
            Strings{"/etc/n.md <- notes.md"});
}

TEST_F(ResolveFilesTest, ExclusionsSplitADirectory) {
  EXPECT_EQ(Mounts("files = [\"static\"]\nexclude_files = [\"static/secret/*\"]\n"),
            (Strings{"/static/css/print.css <- static/css/print.css",
                     "/static/css/site.css <- static/css/site.css",
                     "/static/index.html <- static/index.html"}));
}

TEST_F(ResolveFilesTest, ExclusionsThatMatchNothingKeepTheDirectory) {
  EXPECT_EQ(Mounts("files = [\"static\"]\nexclude_files = [\"**/*.md\"]\n"),
            Strings{"/static <- static [dir]"});
}

TEST_F(ResolveFilesTest, ExclusionsApplyToGlobsAndMappedDirectories) {
  EXPECT_EQ(Mounts("files = [\"**/*.md\", { source = \"assets\", destination = \"/a\" }]\n"
                   "exclude_files = [\"docs/**/*.md\", \"assets/img/icons/*\"]\n"),
            (Strings{"/notes.md <- notes.md", "/a/img/logo.png <- assets/img/logo.png"}));
}

TEST_F(ResolveFilesTest, ExclusionsDoNotApplyToSingleFiles) {
  EXPECT_EQ(Mounts("files = [\"notes.md\"]\nexclude_files = [\"*.md\"]\n"),
            Strings{"/notes.md <- notes.md"});
}

TEST_F(ResolveFilesTest, MissingPathThatIsNotAGlob) {
  EXPECT_EQ(ResolveError("files = [\"nope.txt\"]\n"),
            "spin.toml:9:10: component 'a': 'nope.txt' does not exist and is not a glob "
            "pattern");
}

TEST_F(ResolveFilesTest, MissingMappingSource) {
  EXPECT_EQ(ResolveError("files = [{ source = \"nope\", destination = \"/x\" }]\n"),
            "spin.toml:9:10: component 'a': files source 'nope' does not exist");
}

TEST_F(ResolveFilesTest, FileMappedToSlash) {
  EXPECT_EQ(ResolveError("files = [{ source = \"notes.md\", destination = \"/\" }]\n"),
            "spin.toml:9:10: component 'a': files source 'notes.md' is a file, so its "
            "destination needs a file name, not '/'");
}

TEST_F(ResolveFilesTest, BadGlob) {
  EXPECT_EQ(ResolveError("files = [\"static/**.css\"]\n"),
            "spin.toml:9:10: component 'a': invalid files pattern 'static/**.css': '**' must "
            "be a whole path segment");
}

TEST_F(ResolveFilesTest, EscapesAreRejectedEvenWithoutTheLoader) {
  // An App built by hand (not by LoadManifest) gets the same checks.
  App app;
  app.root = dir_.root();
  Component component;
  component.id = "c";
  FilesEntry pattern;
  pattern.pattern = "static/../../x";
  component.files.push_back(pattern);
  Result<std::vector<FileMount>> mounts = ResolveFiles(app, component);
  ASSERT_FALSE(mounts.ok());
  EXPECT_EQ(mounts.error().message,
            "component 'c': files entry 'static/../../x' is outside the application "
            "directory");
  component.files[0].kind = FilesEntry::Kind::kMapping;
  component.files[0].source = dir_.root() / ".." / "x";
  component.files[0].destination = "/x";
  mounts = ResolveFiles(app, component);
  ASSERT_FALSE(mounts.ok());
  EXPECT_NE(mounts.error().message.find("is outside the application directory"),
            std::string::npos);
}

TEST_F(ResolveFilesTest, DirectorySymlinksAreNotFollowedByGlobs) {
  fs::create_directory_symlink(dir_.root() / "docs", dir_.root() / "static" / "link");
  EXPECT_EQ(Mounts("files = [\"static/**/*.md\"]\n"), Strings{});
}

}  // namespace
}  // namespace spindle::app
