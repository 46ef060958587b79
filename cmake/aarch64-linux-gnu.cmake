# Cross-compiling for aarch64 (ARM64 tablets, and the tests under qemu) on a Debian amd64 host with
# Debian's cross compiler and multiarch arm64 -dev packages (scripts/arm64.sh installs them):
#
#   cmake -S . -B build/arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DDOORSTEP_TABLET=ON
#
# No sysroot: multiarch keeps arm64 libraries in /usr/lib/aarch64-linux-gnu next to the amd64 ones
# and shares /usr/include, so CMAKE_LIBRARY_ARCHITECTURE steers find_library/find_package there.
# protoc stays the amd64 program (same protobuf version as libprotobuf-dev:arm64). pkg-config reads
# only the arm64 .pc files, plus DOORSTEP_ARM64_PKGCONFIG (scripts/arm64.sh writes sqlcipher.pc
# there: Debian's libsqlcipher-dev is not multi-arch, so only the arm64 runtime library is
# installed and the amd64 package's headers are used; they are the same for both architectures).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Programs (protoc) from the host; libraries and headers of the target only through the multiarch
# directory above.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

set(_doorstep_pc /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
if(DEFINED ENV{DOORSTEP_ARM64_PKGCONFIG})
  set(_doorstep_pc "$ENV{DOORSTEP_ARM64_PKGCONFIG}:${_doorstep_pc}")
  # Kept in the cache: try_compile and later re-configures re-read this file without the
  # environment of the first run.
  set(DOORSTEP_ARM64_PKGCONFIG "$ENV{DOORSTEP_ARM64_PKGCONFIG}" CACHE INTERNAL "")
elseif(DOORSTEP_ARM64_PKGCONFIG)
  set(_doorstep_pc "${DOORSTEP_ARM64_PKGCONFIG}:${_doorstep_pc}")
endif()
set(ENV{PKG_CONFIG_LIBDIR} "${_doorstep_pc}")
set(ENV{PKG_CONFIG_PATH} "")

# Test programs run under user-mode qemu, called explicitly (binfmt_misc may not be set up). The
# arm64 dynamic loader and libc are the multiarch libc6:arm64 (/lib/ld-linux-aarch64.so.1), the
# libc the arm64 libraries were built against. Not `-L /usr/aarch64-linux-gnu`: that loader is the
# cross toolchain's older glibc (libc6-arm64-cross), and mixed with the multiarch libc.so.6 it
# hangs threaded programs (seen: a std::thread program spinning forever at exit).
find_program(DOORSTEP_QEMU_AARCH64 qemu-aarch64 qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${DOORSTEP_QEMU_AARCH64})
