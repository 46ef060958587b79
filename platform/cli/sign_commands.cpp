// Signatures: `doorstep sign`, `doorstep signature svg|list`.
#include <iostream>

#include "cli.h"
#include "output.h"
#include "record_path.h"
#include "strokes_file.h"

namespace doorstep::cli {
namespace {

struct SignArgs {
  std::string id;
  std::string field;
  std::string strokes;
  std::string signer;
  std::string proxy;
  std::string output;
  bool no_caption = false;
};

const SignatureStatus* FindStatus(const std::vector<SignatureStatus>& all,
                                  const std::string& path) {
  for (const auto& s : all) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

void RunSign(Cli& cli, const SignArgs& a) {
  Session& session = cli.session();
  session.RequireAuthor();
  RecordId id = session.ResolveRecord(a.id);
  Session::Loaded loaded = session.Load(id);
  Session::RequireDraft(loaded.record);
  ResolvedPath rp = ResolvePath(session.store(), id, *loaded.form, a.field, PathKind::kValue);
  const v1::Field& def = *rp.field->def;
  if (def.type() != v1::SIGNATURE) Fail(a.field + ": '" + def.name() + "' is not a signature field");

  StrokesFile strokes = ReadStrokesFile(a.strokes);
  const std::string& role = def.signature().role();
  if (!strokes.role.empty() && !role.empty() && strokes.role != role) {
    Fail("strokes file '" + a.strokes + "' was captured for role '" + strokes.role + "' but " +
         def.name() + " is signed by role '" + role + "'");
  }
  SignatureInput input;
  input.signer_name = a.signer.empty() ? strokes.signer : a.signer;
  if (input.signer_name.empty()) {
    UsageFail("no signer name: the strokes file has no \"signer\"; give --signer NAME");
  }
  if (!a.proxy.empty() && !def.signature().allow_proxy()) {
    Fail(a.field + ": '" + def.name() + "' does not allow a proxy signer");
  }
  input.proxy_signer_name = a.proxy;
  input.canvas_width = strokes.canvas_width;
  input.canvas_height = strokes.canvas_height;
  input.strokes = std::move(strokes.strokes);

  Check(session.store().Sign(id, rp.path, input));
  auto statuses = Unwrap(session.store().Signatures(id));
  const SignatureStatus* s = FindStatus(statuses, rp.path);
  std::cout << "signed " << rp.path << " (" << role << ")";
  if (s != nullptr) std::cout << ": " << SignatureStateName(s->state);
  std::cout << "\n";
}

void RunSvg(Cli& cli, const SignArgs& a) {
  Session& session = cli.session();
  RecordId id = session.ResolveRecord(a.id);
  Session::Loaded loaded = session.Load(id);
  ResolvedPath rp = ResolvePath(session.store(), id, *loaded.form, a.field, PathKind::kValue);
  if (rp.field->def->type() != v1::SIGNATURE) {
    Fail(a.field + ": '" + rp.field->name + "' is not a signature field");
  }
  const v1::Value* v = loaded.record.Get(rp.path);
  if (v == nullptr || !v->has_signature()) Fail(a.field + ": not signed");
  SvgOptions options;
  options.include_caption = !a.no_caption;
  WriteOutput(a.output, RenderSvg(v->signature(), options));
  if (!a.output.empty() && a.output != "-") std::cout << "wrote " << a.output << "\n";
}

void RunList(Cli& cli, const SignArgs& a) {
  Session& session = cli.session();
  RecordId id = session.ResolveRecord(a.id);
  auto statuses = Unwrap(session.store().Signatures(id));
  const int offset = session.utc_offset_minutes();
  for (const auto& s : statuses) {
    std::cout << s.path << "\t" << s.role << "\t" << SignatureStateName(s.state) << "\t"
              << (s.required ? "required" : "optional");
    if (!s.signer_name.empty()) {
      std::cout << "\t" << s.signer_name;
      if (!s.proxy_signer_name.empty()) std::cout << " (proxy " << s.proxy_signer_name << ")";
      std::cout << "\t" << FormatLocalTime(s.signed_at_ms, offset);
    }
    std::cout << "\n";
  }
}

}  // namespace

void RegisterSignCommands(Cli& cli) {
  auto o = std::make_shared<SignArgs>();
  auto* sign = cli.app().add_subcommand(
      "sign", "Capture a handwritten signature from a strokes JSON file (binds it to the "
              "fields it covers)");
  sign->add_option("id", o->id, "Record id")->required();
  sign->add_option("field", o->field, "Signature field path, e.g. sig_head")->required();
  sign->add_option("--strokes", o->strokes, "Strokes JSON file")->required();
  sign->add_option("--signer", o->signer, "Signer's name (overrides the file's \"signer\")");
  sign->add_option("--proxy", o->proxy,
                   "Name of the person signing for a signer who cannot write");
  cli.Add(sign, [&cli, o] { RunSign(cli, *o); });

  CLI::App* signature = cli.Group("signature", "Inspect and render signatures");
  auto* svg = signature->add_subcommand("svg", "Render a signature as SVG");
  svg->add_option("id", o->id, "Record id")->required();
  svg->add_option("field", o->field, "Signature field path")->required();
  svg->add_option("-o,--output", o->output, "Output file (default: standard output)");
  svg->add_flag("--no-caption", o->no_caption, "Leave out role and signer under the strokes");
  cli.Add(svg, [&cli, o] { RunSvg(cli, *o); });

  auto* list = signature->add_subcommand("list", "Signature states of a record");
  list->add_option("id", o->id, "Record id")->required();
  cli.Add(list, [&cli, o] { RunList(cli, *o); });
}

}  // namespace doorstep::cli
