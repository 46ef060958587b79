// Reading input files with a size limit (doorstep/posix/read_file.h): every file a command line
// reads (forms, strokes, photos, key files, imports) goes through it.
#include <catch2/catch.hpp>
#include <fstream>

#include "doorstep/posix/read_file.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

TEST_CASE("input files are read whole within their limit, refused past it", "[core][bad-input]") {
  TempDir dir;
  const std::string path = dir.File("in.json");
  { std::ofstream(path, std::ios::binary) << std::string(4096, 'x'); }
  auto ok = posix::ReadFileLimited(path, 4096, "key file");
  REQUIRE(ok.ok());
  CHECK(ok->size() == 4096);

  auto over = posix::ReadFileLimited(path, 4095, "key file");
  CHECK(over.status().code() == Code::kResourceExhausted);
  CHECK(over.status().message() ==
        "key file '" + path + "' is 4096 bytes; the limit is 4095 bytes");

  // A special file has no size: the read stops at the limit.
  auto zero = posix::ReadFileLimited("/dev/zero", uint64_t{1} << 20, "import file");
  CHECK(zero.status().code() == Code::kResourceExhausted);
  CHECK(zero.status().message() ==
        "import file '/dev/zero' holds more than 1 MiB (1048576 bytes), the limit");

  CHECK(posix::ReadFileLimited(dir.File("missing"), 10, "form file").status().code() ==
        Code::kNotFound);
  CHECK(posix::ReadFileLimited(dir.path().string(), 10, "form file").status().code() ==
        Code::kInvalidArgument);

  CHECK(posix::FormatLimit(uint64_t{1} << 30) == "1 GiB");
  CHECK(posix::FormatLimit(uint64_t{4} << 20) == "4 MiB");
  CHECK(posix::FormatLimit(4096) == "4 KiB");
  CHECK(posix::FormatLimit(1000) == "1000 bytes");
}
