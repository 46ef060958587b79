// The attachment endpoints spoken raw (httplib against the real server on 127.0.0.1): the
// statuses a well-behaved client never provokes (409 with the held size, 400, 401, 403, 413, 422),
// the blob directory shared by several writers, and `doorstep attach` / `doorstep sync` on the
// command line.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "attachment_harness.h"

namespace doorstep::testing::att {
namespace {

TEST_CASE("attachment chunks append only at the held size, and the whole is verified",
          "[sync][attachments]") {
  PhotoServer server;
  RawClient device(server.port(), server.Credential());
  const std::string photo = Photo(3000, 11);
  const std::string path = "/v1/attachments/" + HexOf(photo);

  auto fresh = device.Get(path);
  REQUIRE(fresh.status == 200);
  CHECK(fresh.State().held_bytes() == 0);
  CHECK_FALSE(fresh.State().complete());

  auto first = device.Put(ChunkPath(photo, 0), photo.substr(0, 1000));
  REQUIRE(first.status == 200);
  CHECK(first.State().held_bytes() == 1000);
  CHECK_FALSE(first.State().complete());

  SECTION("offsets out of order are answered 409 with the held size") {
    for (uint64_t wrong : {uint64_t{0}, uint64_t{500}, uint64_t{2000}}) {
      auto r = device.Put(ChunkPath(photo, wrong), photo.substr(wrong, 500));
      INFO(wrong);
      CHECK(r.status == 409);
      CHECK(r.held_header == "1000");
      CHECK(r.Error().code() == "conflict");
      CHECK(r.Error().where() == "offset");
      CHECK_THAT(r.Error().message(), Catch::Contains("continue at 1000"));
    }
    CHECK(server.State(photo).held == 1000);
  }
  SECTION("the last chunk completes the blob, which then answers complete to everyone") {
    auto rest = device.Put(ChunkPath(photo, 1000), photo.substr(1000));
    REQUIRE(rest.status == 200);
    CHECK(rest.State().complete());
    CHECK(rest.State().held_bytes() == photo.size());
    CHECK(rest.State().size() == photo.size());
    RawClient other(server.port(), server.Credential());
    auto state = other.Get(path);
    CHECK(state.State().complete());
    auto again = other.Put(ChunkPath(photo, 0), photo.substr(0, 10));
    REQUIRE(again.status == 200);  // nothing to append: complete at once
    CHECK(again.State().complete());
    CHECK(ReadFileBytes(server.BlobDir() + "/" + HexOf(photo)) == photo);
  }
  SECTION("wrong bytes are refused once the whole is held, and nothing is kept") {
    std::string wrong = photo.substr(1000);
    wrong[7] = static_cast<char>(wrong[7] ^ 1);
    auto refused = device.Put(ChunkPath(photo, 1000), wrong);
    CHECK(refused.status == 422);
    CHECK(refused.Error().code() == "corruption");
    CHECK_THAT(refused.Error().message(), Catch::Contains("do not have the SHA-256"));
    CHECK(server.State(photo).held == 0);
    CHECK_FALSE(server.State(photo).complete);
    CHECK(std::filesystem::is_empty(server.BlobDir()));
    RawClient office(server.port(), server.Credential(true));
    CHECK(office.Get(path + "/data").status == 404);
  }
  SECTION("malformed requests name what is wrong") {
    auto past = device.Put(ChunkPath(photo, 1000), photo.substr(1000) + "x");
    CHECK(past.status == 400);
    CHECK(past.Error().where() == "offset");
    auto empty = device.Put(ChunkPath(photo, 1000), "");
    CHECK(empty.status == 400);
    CHECK(empty.Error().where() == "body");
    auto no_size = device.Put(path + "?offset=1000", "x");
    CHECK(no_size.status == 400);
    CHECK(no_size.Error().where() == "size");
    auto bad_offset = device.Put(path + "?offset=-1&size=3000", "x");
    CHECK(bad_offset.Error().where() == "offset");
    auto huge = device.Put(path + "?offset=1000&size=" + std::to_string(kMaxAttachmentBytes + 1),
                           "x");
    CHECK(huge.status == 413);
    CHECK(huge.Error().where() == "size");
    auto compressed = device.Put(ChunkPath(photo, 1000), photo.substr(1000), "zstd");
    CHECK(compressed.status == 400);
    CHECK(compressed.Error().where() == "Content-Encoding");
    auto chunk_too_big = device.Put(ChunkPath(photo, 1000), std::string((1 << 20) + 1, 'x'));
    CHECK(chunk_too_big.status == 413);
    RawClient stranger(server.port(), "not-a-credential");
    CHECK(stranger.Put(ChunkPath(photo, 1000), photo.substr(1000)).status == 401);
    CHECK(stranger.Get(path).status == 401);
    CHECK(device.Get("/v1/attachments/" + HexOf(photo).substr(1)).status == 404);
    CHECK(server.State(photo).held == 1000);
  }
}

TEST_CASE("only a reviewer downloads a complete attachment, in ranges", "[sync][attachments]") {
  PhotoServer server;
  RawClient device(server.port(), server.Credential());
  RawClient office(server.port(), server.Credential(true));
  const std::string photo = Photo(5000, 12);
  const std::string path = "/v1/attachments/" + HexOf(photo) + "/data";
  REQUIRE(device.Put(ChunkPath(photo, 0), photo.substr(0, 4000)).status == 200);
  CHECK(office.Get(path).status == 404);  // partial blobs are not available
  REQUIRE(device.Put(ChunkPath(photo, 4000), photo.substr(4000)).status == 200);
  auto denied = device.Get(path);
  CHECK(denied.status == 403);
  CHECK(denied.Error().code() == "permission_denied");
  CHECK(office.Get(path).body == photo);
  CHECK(office.Get(path + "?offset=4990&length=100").body == photo.substr(4990));
  CHECK(office.Get(path + "?offset=5000").body.empty());
  CHECK(office.Get(path + "?offset=5001").status == 400);
  CHECK(office.Get(path + "?length=2000000").Error().where() == "length");
}

TEST_CASE("writers sharing the blob directory never interleave or accept a wrong blob",
          "[sync][attachments]") {
  // Two FileBlobStore objects on one directory stand for two server processes: every call opens
  // its own descriptor, so flock() keeps them apart exactly as between processes.
  TempDir dir;
  auto one = ss::FileBlobStore::Open(dir.File("blobs"));
  auto two = ss::FileBlobStore::Open(dir.File("blobs"));
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  const std::string photo = Photo(64 * 1024 + 123, 13);
  const Digest sha = Sha256Of(photo);
  constexpr size_t kPiece = 4096;
  std::atomic<int> conflicts{0};
  std::atomic<int> failures{0};
  auto upload = [&](ss::BlobStore& store) {
    for (int guard = 0; guard < 10000; ++guard) {
      auto state = store.State(sha);
      if (!state.ok()) {
        ++failures;
        return;
      }
      if (state->complete) return;
      const uint64_t off = state->held;
      const size_t n = std::min<size_t>(kPiece, photo.size() - off);
      auto r = store.Append(sha, off, photo.size(), std::string_view(photo).substr(off, n));
      if (!r.ok()) {
        ++failures;
        return;
      }
      if (r->offset_conflict) ++conflicts;
    }
    ++failures;
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) threads.emplace_back(upload, std::ref(i % 2 == 0 ? **one : **two));
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  auto state = (*one)->State(sha);
  REQUIRE(state.ok());
  CHECK(state->complete);
  CHECK(state->size == photo.size());
  CHECK(ReadFileBytes(dir.File("blobs") + "/" + ToHex(sha)) == photo);
  CHECK_FALSE(std::filesystem::exists(dir.File("blobs") + "/" + ToHex(sha) + ".part"));
  INFO("offset conflicts met: " << conflicts.load());
  auto read = (*two)->Read(sha, 100, 50);
  REQUIRE(read.ok());
  CHECK(*read == photo.substr(100, 50));
}

std::string Binary() {
  return (std::filesystem::path(DOORSTEP_BINARY_DIR) / "platform" / "cli" / "doorstep").string();
}

std::pair<int, std::string> Run(const std::vector<std::string>& args) {
  std::string cmd = "'" + Binary() + "'";
  for (const auto& a : args) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + q + "'";
  }
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

TEST_CASE("doorstep attach, sync and attachment get", "[sync][attachments]") {
  if (!std::filesystem::exists(Binary())) {
    WARN("the doorstep command line is not built; skipped");
    return;
  }
  PhotoServer server;
  TempDir dir;
  const std::string db = dir.File("tablet.db");
  const std::string office = dir.File("office.db");
  const std::string form = dir.File("photo_form.json");
  std::ofstream(form) << R"({"formId": "photo_survey", "version": "1", "scopeField": "village",
    "fields": [{"name": "village", "type": "TEXT"}, {"name": "head_name", "type": "TEXT"},
               {"name": "house_photo", "type": "ATTACHMENT"}]})";
  const std::string photo = Photo(700 * 1024, 14);
  std::ofstream(dir.File("house.jpg"), std::ios::binary) << photo;
  std::ofstream(dir.File("house.raw"), std::ios::binary) << photo;
  REQUIRE(Run({"--db", db, "init", "--surveyor", "S1", "--device", "TAB-A"}).first == 0);
  REQUIRE(Run({"--db", office, "init", "--surveyor", "R1", "--device", "OFFICE"}).first == 0);
  REQUIRE(Run({"--db", db, "enroll", "--server", server.url(), "--token",
               server.Token({kVillage})}).first == 0);
  REQUIRE(Run({"--db", office, "enroll", "--server", server.url(), "--token",
               server.Token({}, true)}).first == 0);
  auto created = Run({"--db", db, "record", "new", "photo_survey"});
  REQUIRE(created.first == 0);
  const std::string id = created.second.substr(0, 36);
  REQUIRE(Run({"--db", db, "record", "set", id, "village", kVillage}).first == 0);

  auto untyped = Run({"--db", db, "attach", id, "house_photo", dir.File("house.raw")});
  CHECK(untyped.first == 2);
  CHECK_THAT(untyped.second, Catch::Contains("--type"));
  auto wrong_field = Run({"--db", db, "attach", id, "head_name", dir.File("house.jpg")});
  CHECK(wrong_field.first == 1);
  CHECK_THAT(wrong_field.second, Catch::Contains("not an attachment field"));
  auto attached = Run({"--db", db, "attach", id, "house_photo", dir.File("house.jpg")});
  INFO(attached.second);
  REQUIRE(attached.first == 0);
  CHECK_THAT(attached.second, Catch::Contains("image/jpeg, 700.0 KB, sha256 " + HexOf(photo)));
  CHECK_THAT(Run({"--db", db, "attachment", "pending"}).second,
             Catch::Contains("1 photo waiting for upload, 700.0 KB to send"));

  auto synced = Run({"--db", db, "sync", "--no-progress"});
  INFO(synced.second);
  REQUIRE(synced.first == 0);
  // The record line counts the records' bytes, the photo line the photo's.
  CHECK_THAT(synced.second, Catch::Contains("pushed 4 changes"));
  CHECK_THAT(synced.second, !Catch::Contains("700.3 KB sent"));
  CHECK_THAT(synced.second,
             Catch::Contains("photos: 1 uploaded (3 chunks, 700.0 KB; 700.0 KB sent)"));
  CHECK_THAT(Run({"--db", db, "attachment", "pending"}).second,
             Catch::Contains("no photos waiting for upload"));

  REQUIRE(Run({"--db", office, "sync", "--no-progress"}).first == 0);
  auto got = Run({"--db", office, "attachment", "get", id, "house_photo", "-o",
                  dir.File("fetched.jpg")});
  INFO(got.second);
  REQUIRE(got.first == 0);
  CHECK(ReadFileBytes(dir.File("fetched.jpg")) == photo);
}

}  // namespace
}  // namespace doorstep::testing::att

namespace doorstep::testing::att {
namespace {

TEST_CASE("unfinished uploads are bounded and swept", "[sync][attachments][bad-input]") {
  TempDir dir;
  ss::BlobStoreOptions options;
  options.max_partial_bytes = 1000;
  options.partial_max_age = std::chrono::seconds(3600);
  auto opened = ss::FileBlobStore::Open(dir.File("blobs"), options);
  REQUIRE(opened.ok());
  ss::FileBlobStore& store = **opened;
  const std::string a = Photo(800, 1);
  const std::string b = Photo(600, 2);
  const Digest sha_a = Sha256Of(a);
  const Digest sha_b = Sha256Of(b);
  REQUIRE(store.Append(sha_a, 0, a.size(), std::string_view(a).substr(0, 500)).ok());

  SECTION("a new upload that would pass the limit waits (503), the one under way goes on") {
    auto refused = store.Append(sha_b, 0, b.size(), std::string_view(b).substr(0, 100));
    CHECK(refused.status().code() == Code::kUnavailable);
    CHECK(refused.status().where() == "size");
    CHECK(store.State(sha_b).value().held == 0);  // nothing of it kept
    CHECK_FALSE(std::filesystem::exists(dir.File("blobs") + "/" + ToHex(sha_b) + ".part"));
    auto done = store.Append(sha_a, 500, a.size(), std::string_view(a).substr(500));
    REQUIRE(done.ok());
    CHECK(done->state.complete);
    // Room again: the finished upload no longer counts.
    auto taken = store.Append(sha_b, 0, b.size(), b);
    REQUIRE(taken.ok());
    CHECK(taken->state.complete);
  }

  SECTION("a partial upload left for longer than the limit is removed, unless being written") {
    const std::string part = dir.File("blobs") + "/" + ToHex(sha_a) + ".part";
    const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
    std::filesystem::last_write_time(part, old);
    {
      // Held by a writer (flock): left alone.
      const int fd = ::open(part.c_str(), O_RDONLY);
      REQUIRE(fd >= 0);
      REQUIRE(::flock(fd, LOCK_EX) == 0);
      auto swept = store.SweepPartial();
      REQUIRE(swept.ok());
      CHECK(swept->removed == 0);
      CHECK(swept->partial_bytes == 500);
      ::close(fd);
    }
    auto swept = store.SweepPartial();
    REQUIRE(swept.ok());
    CHECK(swept->removed == 1);
    CHECK(swept->bytes == 500);
    CHECK(swept->partial_bytes == 0);
    CHECK_FALSE(std::filesystem::exists(part));
    // The tablet simply uploads it again.
    auto again = store.Append(sha_a, 0, a.size(), a);
    REQUIRE(again.ok());
    CHECK(again->state.complete);
  }
}

}  // namespace
}  // namespace doorstep::testing::att
