// `doorstep form compile IN.json OUT.pb`: a JSON form definition (protobuf JSON mapping) compiled
// and written as serialized doorstep.v1.FormDef bytes, the form in which tablets receive forms
// (the C ABI's ds_store_install_form takes these bytes; the tablet library needs no JSON parser).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "doorstep/core/form.h"
#include "json_input.h"
#include "output.h"

namespace doorstep::cli {
namespace {

struct CompileOptions {
  std::string in;
  std::string out;
};

void RunFormCompile(const CompileOptions& o) {
  const std::string text = ReadFileOrFail(o.in, "form file", kMaxFormFileBytes);
  ParseJsonOrFail(text, "form file", o.in);  // syntax errors with their byte offset
  auto def = LoadFormJson(text);
  if (!def.ok()) Fail("form file '" + o.in + "': " + def.status().message());
  // Compiled as a store would, so a form that would not install is not written either.
  auto compiled = CompiledForm::Compile(*def);
  if (!compiled.ok()) Fail("form file '" + o.in + "': " + compiled.status().ToString());
  std::string bytes;
  if (!def->SerializeToString(&bytes)) Fail("form file '" + o.in + "': cannot serialize");
  // Written beside the target and renamed over it: a build never sees half a file.
  const std::string tmp = o.out + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
      std::remove(tmp.c_str());
      Fail("cannot write '" + o.out + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, o.out, ec);
  if (ec) {
    std::remove(tmp.c_str());
    Fail("cannot write '" + o.out + "': " + ec.message());
  }
  std::cout << "compiled " << def->form_id() << "@" << def->version() << " -> " << o.out << " ("
            << bytes.size() << " bytes)\n";
}

}  // namespace

void RegisterFormCompileCommand(Cli& cli) {
  auto o = std::make_shared<CompileOptions>();
  CLI::App* form = cli.Group("form", "Install and list form definitions");
  auto* compile = form->add_subcommand(
      "compile", "Compile a JSON FormDef to binary doorstep.v1.FormDef bytes (what tablets install)");
  compile->add_option("in", o->in, "Form definition (protobuf JSON mapping)")->required();
  compile->add_option("out", o->out, "Output file (serialized doorstep.v1.FormDef)")->required();
  cli.Add(compile, [o] { RunFormCompile(*o); });
}

}  // namespace doorstep::cli
