// The tests' form compiler: `doorstep_form_compile IN.json OUT.pb` writes a JSON form definition as
// serialized doorstep.v1.FormDef bytes, the form in which tablets receive forms. It does what
// `doorstep form compile` does with the core alone, so that the tablet build (no command line) and
// the aarch64 build (run under qemu) make the binary forms of the C ABI's tests themselves.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "doorstep/core/form.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: doorstep_form_compile IN.json OUT.pb\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read '" << argv[1] << "'\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto def = doorstep::LoadFormJson(text.str());
  if (!def.ok()) {
    std::cerr << "form file '" << argv[1] << "': " << def.status().ToString() << "\n";
    return 1;
  }
  auto compiled = doorstep::CompiledForm::Compile(*def);
  if (!compiled.ok()) {
    std::cerr << "form file '" << argv[1] << "': " << compiled.status().ToString() << "\n";
    return 1;
  }
  std::string bytes;
  if (!def->SerializeToString(&bytes)) return 1;
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "cannot write '" << argv[2] << "'\n";
    std::remove(argv[2]);
    return 1;
  }
  return 0;
}
