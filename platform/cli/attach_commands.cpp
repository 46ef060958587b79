// Attachments (photos): `doorstep attach`, `doorstep attachment get|pending`.
//
// `attach` stores a file in the store (content-addressed by SHA-256, inside the store file, so it
// is encrypted with it) and sets it on an ATTACHMENT field in one transaction; the next
// `doorstep sync` uploads it after the records. `attachment get` writes a photo out (a reviewer's
// store downloads it from the server when it does not hold it); `attachment pending` lists the
// photos waiting for upload and how far each got. Output names sizes and hashes, never contents.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "doorstep/core/sha256.h"
#include "doorstep/sync/client/sync_client.h"
#include "doorstep/sync/client/curl_transport.h"
#include "output.h"
#include "record_path.h"
#include "sync_output.h"

namespace doorstep::cli {
namespace {

struct AttachArgs {
  std::string id;
  std::string field;
  std::string file;
  std::string type;
  std::string name;
  std::string output;
};

std::string Hex(const std::string& sha256) {
  return ToHex(reinterpret_cast<const uint8_t*>(sha256.data()), sha256.size());
}

// The media type of common photo and document files, from the extension; empty when unknown.
std::string MediaTypeOf(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".webp") return "image/webp";
  if (ext == ".heic") return "image/heic";
  if (ext == ".pdf") return "application/pdf";
  return {};
}

// The attachment field of a record, resolved and type-checked.
ResolvedPath AttachmentField(Session& session, const RecordId& id, const Session::Loaded& loaded,
                             const std::string& field) {
  ResolvedPath rp = ResolvePath(session.store(), id, *loaded.form, field, PathKind::kValue);
  if (rp.field->def->type() != v1::ATTACHMENT) {
    Fail(field + ": '" + rp.field->name + "' is not an attachment field");
  }
  return rp;
}

void RunAttach(Cli& cli, const AttachArgs& a) {
  Session& session = cli.session();
  session.RequireAuthor();
  const std::filesystem::path file(a.file);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) Fail("cannot read file '" + a.file + "': " + ec.message());
  if (size > kMaxAttachmentBytes) {
    // Exact byte counts: a rounded "20.0 MB is limited to 20.0 MB" helps nobody.
    Fail("'" + a.file + "' is " + std::to_string(size) + " bytes; attachments are limited to " +
         std::to_string(kMaxAttachmentBytes) + " bytes (20 MiB; reduce the photo's resolution)");
  }
  std::string type = a.type.empty() ? MediaTypeOf(file) : a.type;
  if (type.empty()) {
    UsageFail("cannot tell the media type of '" + a.file + "' from its extension; give --type, "
              "e.g. --type image/jpeg");
  }
  RecordId id = session.ResolveRecord(a.id);
  Session::Loaded loaded = session.Load(id);
  Session::RequireDraft(loaded.record);
  ResolvedPath rp = AttachmentField(session, id, loaded, a.field);
  const std::string bytes = ReadFileOrFail(a.file, "file", kMaxAttachmentBytes);
  const std::string name = a.name.empty() ? file.filename().string() : a.name;
  v1::Value value = Unwrap(session.store().Attach(id, rp.path, bytes, type, name));
  std::cout << "attached " << rp.path << ": " << type << ", " << FormatBytes(bytes.size())
            << ", sha256 " << Hex(value.attachment().sha256()) << "\n"
            << "uploaded to the server by the next `doorstep sync`, after the records\n";
}

void RunGet(Cli& cli, const AttachArgs& a) {
  Session& session = cli.session();
  RecordId id = session.ResolveRecord(a.id);
  Session::Loaded loaded = session.Load(id);
  ResolvedPath rp = AttachmentField(session, id, loaded, a.field);
  const v1::Value* v = loaded.record.Get(rp.path);
  if (v == nullptr || !v->has_attachment()) Fail(a.field + ": no attachment set");
  Store& store = session.store();
  std::string bytes;
  if (Unwrap(store.GetBlobInfo(v->attachment().sha256()))) {
    bytes = Unwrap(store.ReadBlob(v->attachment().sha256(), 0, v->attachment().size()));
  } else {
    if (!sync::client::ReadEnrollment(store).ok()) {
      Fail(a.field + ": this store does not hold the photo and is not enrolled to fetch it");
    }
    sync::client::CurlTransport transport(TransportOptions(session.options()));
    sync::client::SyncClient client(store, transport);
    auto fetched = client.FetchAttachment(v->attachment());
    if (!fetched.ok()) {
      if (fetched.status().code() == Code::kPermissionDenied) {
        Fail(fetched.status().message() + " (the photos are fetched by the township office: "
                                          "`doorstep-server enroll --reviewer`)");
      }
      Fail(fetched.status());
    }
    bytes = std::move(fetched).value();
  }
  WriteOutput(a.output, bytes);
  if (!a.output.empty() && a.output != "-") {
    std::cout << "wrote " << a.output << " (" << v->attachment().media_type() << ", "
              << FormatBytes(bytes.size()) << ")\n";
  }
}

void RunPending(Cli& cli) {
  auto pending = Unwrap(cli.session().store().PendingUploads());
  if (pending.empty()) {
    std::cout << "no photos waiting for upload\n";
    return;
  }
  uint64_t total = 0;
  for (const auto& b : pending) total += b.size - b.uploaded;
  std::cout << pending.size() << (pending.size() == 1 ? " photo" : " photos")
            << " waiting for upload, " << FormatBytes(total) << " to send\n";
  for (const auto& b : pending) {
    std::cout << Hex(b.sha256).substr(0, 16) << "\t" << b.media_type << "\t"
              << FormatBytes(b.size) << "\t" << FormatBytes(b.uploaded) << " acknowledged\n";
  }
}

}  // namespace

void RegisterAttachCommands(Cli& cli) {
  auto o = std::make_shared<AttachArgs>();
  auto* attach = cli.app().add_subcommand(
      "attach", "Store a file (a photo) in the store and set it on an attachment field; the next "
                "sync uploads it after the records");
  attach->add_option("id", o->id, "Record id")->required();
  attach->add_option("field", o->field, "Attachment field path, e.g. house_photo")->required();
  attach->add_option("file", o->file, "The file (at most 20 MiB)")->required();
  attach->add_option("--type", o->type,
                     "Media type (default from the extension: .jpg image/jpeg, .png, .webp, "
                     ".heic, .pdf)");
  attach->add_option("--name", o->name, "File name kept with the value (default: the file's)");
  cli.Add(attach, [&cli, o] { RunAttach(cli, *o); });

  CLI::App* group = cli.Group("attachment", "Photos and other attachments");
  auto* get = group->add_subcommand(
      "get", "Write an attachment out (a reviewer's store fetches it from the server)");
  get->add_option("id", o->id, "Record id")->required();
  get->add_option("field", o->field, "Attachment field path")->required();
  get->add_option("-o,--output", o->output, "Output file (default: standard output)");
  cli.Add(get, [&cli, o] { RunGet(cli, *o); });

  auto* pending = group->add_subcommand("pending", "Photos waiting for upload, and how far");
  cli.Add(pending, [&cli] { RunPending(cli); });
}

}  // namespace doorstep::cli
