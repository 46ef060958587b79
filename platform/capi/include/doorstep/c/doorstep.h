/* doorstep.h: the C ABI of Doorstep, for the apps that embed it (Android through JNI, iOS through
 * Swift, any host that speaks C).
 *
 * What it covers: a local encrypted store of survey records (open with a key from the host's key
 * store), form packs, records, the form session an app draws its screens from (questions, answers,
 * what changed after each answer, navigation, repeat instances), signatures, finalize, photos,
 * sync with the township server (progress, cancel; HTTP done by the host or by the built-in
 * libcurl transport), conflicts, the audit trail.
 *
 * Conventions (read once; every function follows them):
 *  - Every function that can fail returns ds_status: DS_OK (0) or an error code. The numbers are
 *    those of doorstep::Code (core/include/doorstep/core/status.h) and never change. The message of
 *    the last error of the calling thread is ds_last_error_message() ("where" part included:
 *    the field path, byte offset or HTTP endpoint at fault); it is valid until the next failing
 *    call on that thread. Messages never contain personal data (they name fields, not values).
 *  - Nothing throws across this boundary: every function catches, and reports DS_INTERNAL for
 *    what it did not expect. A NULL where a handle or a required pointer is expected is
 *    DS_INVALID_ARGUMENT, not a crash.
 *  - Handles are opaque. Each `*_open` / `*_create` / function returning a handle through an out
 *    parameter has a matching `*_close` / `*_destroy` / `*_free`, which accepts NULL.
 *  - Text in and out is UTF-8, NUL-terminated. Values may also cross as serialized
 *    doorstep.v1.Value bytes (proto/doorstep/value.proto).
 *  - Ownership of returned memory: `const char*` returned by an accessor of a list handle is
 *    borrowed: valid until that handle is freed. `char*` / `uint8_t*` returned through an out
 *    parameter belongs to the caller: release it with ds_free().
 *  - Out parameters are written only on DS_OK (and set to NULL/0 on failure).
 *  - Thread rules: a ds_store and everything opened from it (sessions, sync) are used by one
 *    thread at a time; the app serialises (one "database thread", as with SQLite connections).
 *    Different stores may be used from different threads at once. ds_cancel_request() may be
 *    called from any thread. Callbacks (key store, transport, progress, log) run on the thread of
 *    the call that triggered them, before that call returns; they must not call back into the
 *    same store.
 *  - Stability: every symbol of this header is exported and checked against a list in the
 *    repository (platform/capi/exported_symbols.txt); removing or changing one is an ABI break and
 *    bumps DS_ABI_VERSION. Functions are only ever added.
 */
#ifndef DOORSTEP_C_DOORSTEP_H_
#define DOORSTEP_C_DOORSTEP_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define DS_EXPORT __declspec(dllexport)
#else
#define DS_EXPORT __attribute__((visibility("default")))
#endif

#define DS_ABI_VERSION 1

/* ---- status codes (== doorstep::Code) ------------------------------------------------------ */
typedef int ds_status;
enum {
  DS_OK = 0,
  DS_INVALID_ARGUMENT = 1,   /* malformed input: bad path, value that does not fit the field */
  DS_NOT_FOUND = 2,          /* no such record, form, field, instance */
  DS_ALREADY_EXISTS = 3,     /* a different form definition under an installed version */
  DS_FAILED_PRECONDITION = 4,/* not allowed now: edit of a finalized record, not enrolled... */
  DS_VALIDATION = 5,         /* the record failed validation (see the error list) */
  DS_PARSE = 6,              /* a document or expression does not parse */
  DS_CORRUPTION = 7,         /* stored or received bytes do not decode */
  DS_IO = 8,                 /* file system or SQLite I/O error */
  DS_WRONG_KEY = 9,          /* wrong key for the encrypted store */
  DS_SCHEMA_TOO_NEW = 10,    /* the store was written by a newer Doorstep */
  DS_CONFLICT = 11,
  DS_PERMISSION_DENIED = 12, /* refused by the server: credential, scope */
  DS_INTERNAL = 13,          /* a bug in Doorstep: please report it */
  DS_UNAVAILABLE = 14,       /* the server cannot be reached (retry later) */
  DS_CANCELLED = 15,         /* cancelled through ds_cancel_request() */
  DS_RESOURCE_EXHAUSTED = 16 /* a size limit was hit */
};

/* ---- library ------------------------------------------------------------------------------- */
/* "0.1.0": the library's version. Static string. */
DS_EXPORT const char* ds_version(void);
/* DS_ABI_VERSION of the library actually loaded (compare with the header's). */
DS_EXPORT int ds_abi_version(void);
/* Name of a status code ("invalid_argument"); static string; "unknown" for other numbers. */
DS_EXPORT const char* ds_status_name(ds_status status);
/* The message of the calling thread's last failing call ("" when none); borrowed, valid until
 * the next failing call on this thread. */
DS_EXPORT const char* ds_last_error_message(void);
/* The `where` part alone (field path, byte offset, endpoint; "" when none). */
DS_EXPORT const char* ds_last_error_where(void);
/* Releases memory this library returned through an out parameter. NULL is fine. */
DS_EXPORT void ds_free(void* ptr);

/* ---- host callbacks ------------------------------------------------------------------------ */
/* The key store: where the store's encryption key lives (Android Keystore, iOS Keychain). The
 * core asks for the key of a store by its key id (the store's file name without directory) and
 * never writes the key anywhere. get_or_create fills `key_out` (up to `capacity` bytes, 256) with
 * the key and sets `*key_len`; the first time, it must create one (ds_random_bytes gives 32 good
 * random bytes) and keep it. Returns DS_OK or an error code (its message is reported as
 * "key store: ..."). The store is keyed with the lowercase hex text of these bytes (SQLCipher
 * derives the cipher key from it), so a key file holding that hex opens the same store from the
 * `doorstep --key-file` command line. */
typedef struct ds_key_store {
  void* context;
  ds_status (*get_or_create)(void* context, const char* key_id, uint8_t* key_out,
                             size_t capacity, size_t* key_len);
} ds_key_store;

/* Log lines (never personal data). level: 0 debug, 1 info, 2 warning, 3 error. */
typedef void (*ds_log_fn)(void* context, int level, const char* message);

/* 1 when this library encrypts stores (built with SQLCipher), 0 otherwise. */
DS_EXPORT int ds_encryption_available(void);

/* Fills `out` with `n` bytes from the operating system's random source. */
DS_EXPORT ds_status ds_random_bytes(uint8_t* out, size_t n);

/* A key store over key files (Linux, tests, the office PC): the key of store "village.db" is the
 * file `<directory>/village.db.key`, holding 64 hex digits (32 random bytes), mode 0600, created
 * on first use; a key file that is a symlink, not owned by this user, readable or writable by
 * group or others (DS_PERMISSION_DENIED) or not 64 hex digits (DS_CORRUPTION) is refused and left
 * as it is. `directory` must exist. Free with ds_key_file_store_destroy after every store opened
 * with it is closed (ds_key_file_store_destroy ignores key stores it did not create, also copies
 * of one). */
DS_EXPORT ds_status ds_key_file_store_create(const char* directory, ds_key_store** out);
DS_EXPORT void ds_key_file_store_destroy(ds_key_store* key_store);

/* ---- store --------------------------------------------------------------------------------- */
typedef struct ds_store ds_store;
typedef struct ds_store_options ds_store_options;

DS_EXPORT ds_store_options* ds_store_options_create(void);
DS_EXPORT void ds_store_options_destroy(ds_store_options* options);
/* The store file. Required. */
DS_EXPORT void ds_store_options_set_path(ds_store_options* options, const char* path);
/* Where the key comes from (borrowed: must outlive every ds_store_open using these options). */
DS_EXPORT void ds_store_options_set_key_store(ds_store_options* options,
                                              const ds_key_store* key_store);
/* 0 = full (default: every commit fsynced), 1 = normal, 2 = off (tests only). */
DS_EXPORT void ds_store_options_set_durability(ds_store_options* options, int durability);
/* Allows a store without a key. For tests only: a tablet build refuses it otherwise. */
DS_EXPORT void ds_store_options_set_allow_plain(ds_store_options* options, int allow);
DS_EXPORT void ds_store_options_set_logger(ds_store_options* options, ds_log_fn fn,
                                           void* context);

/* Opens or creates the store. DS_WRONG_KEY for a wrong key, DS_FAILED_PRECONDITION when no key
 * store is set (and plain stores are not allowed), DS_SCHEMA_TOO_NEW, DS_IO. In a library built
 * without encryption (ds_encryption_available() == 0) a store can only be plain: with allow_plain
 * set, the key store (if any) is not asked; without it, DS_FAILED_PRECONDITION. */
DS_EXPORT ds_status ds_store_open(const ds_store_options* options, ds_store** out);
/* Closes the store (NULL is fine). Sessions opened from it must be closed first. */
DS_EXPORT void ds_store_close(ds_store* store);
/* The identity written into every change: the surveyor's id and this device's id. */
DS_EXPORT ds_status ds_store_set_author(ds_store* store, const char* surveyor_id,
                                        const char* device_id);
/* Pending changes not yet pushed to the server. */
DS_EXPORT ds_status ds_store_pending_count(ds_store* store, int64_t* out);

/* ---- forms --------------------------------------------------------------------------------- */
/* Installs a form definition given as serialized doorstep.v1.FormDef bytes (the server sends
 * them; `doorstep form compile` makes them from JSON). Installing the same bytes again is a no-op;
 * other content under an installed (form_id, version) is DS_ALREADY_EXISTS. */
DS_EXPORT ds_status ds_store_install_form(ds_store* store, const uint8_t* bytes, size_t len);

typedef struct ds_form_list ds_form_list;
DS_EXPORT ds_status ds_store_forms(ds_store* store, ds_form_list** out);
DS_EXPORT void ds_form_list_free(ds_form_list* list);
DS_EXPORT size_t ds_form_list_count(const ds_form_list* list);
DS_EXPORT const char* ds_form_list_id(const ds_form_list* list, size_t i);
DS_EXPORT const char* ds_form_list_version(const ds_form_list* list, size_t i);
/* Title in `language` ("zh" or "en", falling back to the other). */
DS_EXPORT const char* ds_form_list_title(const ds_form_list* list, size_t i, const char* language);
DS_EXPORT int64_t ds_form_list_record_count(const ds_form_list* list, size_t i);

/* ---- records ------------------------------------------------------------------------------- */
/* Creates a draft of form `form_id` (version NULL or "" = the latest installed). `*id_out` is the
 * new record's id as text (36-character UUID); free it with ds_free. */
DS_EXPORT ds_status ds_store_create_record(ds_store* store, const char* form_id,
                                           const char* version, char** id_out);
/* Marks a record deleted (a tombstone that syncs). */
DS_EXPORT ds_status ds_store_delete_record(ds_store* store, const char* record_id);

typedef struct ds_record_list ds_record_list;
/* Records of `form_id` (NULL or "" = every form) whose text values contain `query` (NULL or ""
 * = all; case-sensitive substring match over TEXT and SELECT values: a name, a household number),
 * most recently updated first, at most `limit` (0 = no limit). */
DS_EXPORT ds_status ds_store_find_records(ds_store* store, const char* form_id, const char* query,
                                          size_t limit, ds_record_list** out);
DS_EXPORT void ds_record_list_free(ds_record_list* list);
DS_EXPORT size_t ds_record_list_count(const ds_record_list* list);
DS_EXPORT const char* ds_record_list_id(const ds_record_list* list, size_t i);
DS_EXPORT const char* ds_record_list_form_id(const ds_record_list* list, size_t i);
DS_EXPORT const char* ds_record_list_form_version(const ds_record_list* list, size_t i);
/* 0 = draft, 1 = finalized. */
DS_EXPORT int ds_record_list_state(const ds_record_list* list, size_t i);
/* Last change, Unix milliseconds. */
DS_EXPORT int64_t ds_record_list_updated_ms(const ds_record_list* list, size_t i);

/* ---- the form session ---------------------------------------------------------------------- */
/* A live view of one record: see core/include/doorstep/core/session.h for the model (questions,
 * change lists, ordinals in paths such as "members[2]/m_name"). Every edit is written to the
 * store at once (one transaction). Close the session before closing its store. */
typedef struct ds_session ds_session;
typedef struct ds_question_list ds_question_list;
typedef struct ds_change_list ds_change_list;

/* language: "zh" (default when NULL) or "en". */
DS_EXPORT ds_status ds_session_open(ds_store* store, const char* record_id, const char* language,
                                    ds_session** out);
DS_EXPORT void ds_session_close(ds_session* session);
DS_EXPORT ds_status ds_session_set_language(ds_session* session, const char* language);
/* 0 = draft, 1 = finalized. */
DS_EXPORT int ds_session_state(const ds_session* session);

/* A snapshot of the questions now (it does not follow later edits; take a new one or apply the
 * change lists). */
DS_EXPORT ds_status ds_session_questions(ds_session* session, ds_question_list** out);
DS_EXPORT void ds_question_list_free(ds_question_list* list);
DS_EXPORT size_t ds_question_list_count(const ds_question_list* list);
/* Index of `path` (ordinals accepted) in the list, or -1. */
DS_EXPORT int64_t ds_question_list_find(const ds_question_list* list, const char* path);

/* Question kinds. */
enum { DS_QUESTION_FIELD = 0, DS_QUESTION_GROUP = 1, DS_QUESTION_REPEAT = 2,
       DS_QUESTION_INSTANCE = 3 };
/* Field types (== doorstep.v1.FieldType). */
enum { DS_TYPE_TEXT = 1, DS_TYPE_INTEGER = 2, DS_TYPE_DECIMAL = 3, DS_TYPE_DATE = 4,
       DS_TYPE_SELECT_ONE = 5, DS_TYPE_SELECT_MULTIPLE = 6, DS_TYPE_GEOPOINT = 7,
       DS_TYPE_SIGNATURE = 8, DS_TYPE_ATTACHMENT = 9, DS_TYPE_GROUP = 10, DS_TYPE_REPEAT = 11,
       DS_TYPE_NOTE = 12 };
/* Flags of a question (bits). */
enum { DS_FLAG_RELEVANT = 1, DS_FLAG_REQUIRED = 2, DS_FLAG_READ_ONLY = 4, DS_FLAG_HAS_VALUE = 8 };
/* Signature states. */
enum { DS_SIGNATURE_VALID = 0, DS_SIGNATURE_STALE = 1, DS_SIGNATURE_MISSING = 2 };

/* Accessors of question i (i < count; strings borrowed from the list, "" when absent). */
DS_EXPORT int ds_question_kind(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_path(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_name(const ds_question_list* list, size_t i);
DS_EXPORT int ds_question_type(const ds_question_list* list, size_t i);
DS_EXPORT int ds_question_depth(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_label(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_hint(const ds_question_list* list, size_t i);
DS_EXPORT int ds_question_flags(const ds_question_list* list, size_t i);
/* The value as display text ("" when empty): choice labels, dates "2026-03-01". */
DS_EXPORT const char* ds_question_display(const ds_question_list* list, size_t i);
/* The value as text that ds_session_set_text reads back ("" when empty). */
DS_EXPORT const char* ds_question_value_text(const ds_question_list* list, size_t i);
/* The value as serialized doorstep.v1.Value bytes (*len = 0 when empty); borrowed. */
DS_EXPORT const uint8_t* ds_question_value_bytes(const ds_question_list* list, size_t i,
                                                 size_t* len);
/* kRepeat: instances now; kInstance: 1-based ordinal; else 0. */
DS_EXPORT int64_t ds_question_instance_count(const ds_question_list* list, size_t i);
DS_EXPORT size_t ds_question_choice_count(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_choice_value(const ds_question_list* list, size_t i, size_t j);
DS_EXPORT const char* ds_question_choice_label(const ds_question_list* list, size_t i, size_t j);
/* The question's error now ("" when none): code (required, constraint, ...) and message. */
DS_EXPORT const char* ds_question_error_code(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_error_message(const ds_question_list* list, size_t i);
/* SIGNATURE questions: state, signer and proxy signer ("" when none). */
DS_EXPORT int ds_question_signature_state(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_signer_name(const ds_question_list* list, size_t i);
DS_EXPORT const char* ds_question_proxy_signer_name(const ds_question_list* list, size_t i);

/* Change kinds (== doorstep::ChangeKind). */
enum { DS_CHANGE_INSERTED = 0, DS_CHANGE_REMOVED = 1, DS_CHANGE_APPEARED = 2,
       DS_CHANGE_DISAPPEARED = 3, DS_CHANGE_VALUE = 4, DS_CHANGE_ERROR_APPEARED = 5,
       DS_CHANGE_ERROR_CLEARED = 6, DS_CHANGE_REQUIRED = 7, DS_CHANGE_SIGNATURE_STALE = 8,
       DS_CHANGE_SIGNATURE = 9, DS_CHANGE_LABEL = 10, DS_CHANGE_READ_ONLY = 11 };
DS_EXPORT void ds_change_list_free(ds_change_list* list);
DS_EXPORT size_t ds_change_list_count(const ds_change_list* list);
DS_EXPORT const char* ds_change_path(const ds_change_list* list, size_t i);
DS_EXPORT int ds_change_kind(const ds_change_list* list, size_t i);
/* AddInstance: the new instance's path ("members[<uuid>]"); "" for other edits. */
DS_EXPORT const char* ds_change_list_instance_path(const ds_change_list* list);

/* Edits. Each is one transaction; on DS_OK `*changes` (may be NULL if the caller does not want
 * it) receives what changed on screen. DS_FAILED_PRECONDITION on a finalized record,
 * DS_INVALID_ARGUMENT (where = path) for a value that does not fit; nothing is written then. */
DS_EXPORT ds_status ds_session_set_text(ds_session* session, const char* path, const char* text,
                                        ds_change_list** changes);
DS_EXPORT ds_status ds_session_set_value(ds_session* session, const char* path,
                                         const uint8_t* value_bytes, size_t len,
                                         ds_change_list** changes);
DS_EXPORT ds_status ds_session_clear(ds_session* session, const char* path,
                                     ds_change_list** changes);
/* Adds an instance to the repeat `repeat_path` ("members"); ds_change_list_instance_path tells
 * its path. */
DS_EXPORT ds_status ds_session_add_instance(ds_session* session, const char* repeat_path,
                                            ds_change_list** changes);
DS_EXPORT ds_status ds_session_remove_instance(ds_session* session, const char* instance_path,
                                               ds_change_list** changes);
/* Reloads the record after a sync wrote into it. */
DS_EXPORT ds_status ds_session_refresh(ds_session* session, ds_change_list** changes);

/* Navigation over relevant field questions: the path after / before `path` (NULL or "" = from
 * the start / the end) into `*out` (ds_free; "" when there is none). */
DS_EXPORT ds_status ds_session_next(ds_session* session, const char* path, char** out);
DS_EXPORT ds_status ds_session_previous(ds_session* session, const char* path, char** out);
/* The first relevant question with an error ("" when none). */
DS_EXPORT ds_status ds_session_first_error(ds_session* session, char** out);

typedef struct ds_instance_list ds_instance_list;
/* Instances of a repeat in display order, with their labels (the member's name). */
DS_EXPORT ds_status ds_session_instances(ds_session* session, const char* repeat_path,
                                         ds_instance_list** out);
DS_EXPORT void ds_instance_list_free(ds_instance_list* list);
DS_EXPORT size_t ds_instance_list_count(const ds_instance_list* list);
DS_EXPORT const char* ds_instance_list_path(const ds_instance_list* list, size_t i);
DS_EXPORT const char* ds_instance_list_label(const ds_instance_list* list, size_t i);

/* ---- signatures ---------------------------------------------------------------------------- */
/* One pen point. `stroke` numbers the strokes (points of one stroke are consecutive, strokes in
 * order from 0); t_ms since the first point; pressure 0..1000, or -1 when the pen has none. */
typedef struct ds_point {
  int32_t x;
  int32_t y;
  uint32_t t_ms;
  int32_t pressure;
  uint32_t stroke;
} ds_point;

/* Signs the SIGNATURE question `path`: the signature binds the content it covers (any later edit
 * of it makes the signature stale). `proxy_signer_name` NULL or "" unless someone signs for a
 * signer who cannot write (the form must allow it). canvas 0x0 = unknown. */
DS_EXPORT ds_status ds_session_sign(ds_session* session, const char* path,
                                    const char* signer_name, const char* proxy_signer_name,
                                    uint32_t canvas_width, uint32_t canvas_height,
                                    const ds_point* points, size_t point_count,
                                    ds_change_list** changes);
/* The signature at `path` as a standalone SVG document (`*svg_out`, ds_free). DS_NOT_FOUND when
 * it is not signed. */
DS_EXPORT ds_status ds_session_signature_svg(ds_session* session, const char* path,
                                             char** svg_out);

/* ---- validation and finalize --------------------------------------------------------------- */
typedef struct ds_error_list ds_error_list;
/* Every validation error now (the store is not changed). */
DS_EXPORT ds_status ds_session_validate(ds_session* session, ds_error_list** out);
/* Finalizes the record when it is valid (DS_OK, `*errors` empty); otherwise returns
 * DS_VALIDATION, changes nothing, and `*errors` (may be NULL) lists every error. */
DS_EXPORT ds_status ds_session_finalize(ds_session* session, ds_error_list** errors,
                                        ds_change_list** changes);
/* Finalized -> draft, for a correction. */
DS_EXPORT ds_status ds_session_reopen(ds_session* session, ds_change_list** changes);
DS_EXPORT void ds_error_list_free(ds_error_list* list);
DS_EXPORT size_t ds_error_list_count(const ds_error_list* list);
DS_EXPORT const char* ds_error_list_path(const ds_error_list* list, size_t i);
DS_EXPORT const char* ds_error_list_code(const ds_error_list* list, size_t i);
DS_EXPORT const char* ds_error_list_message(const ds_error_list* list, size_t i);

/* ---- photos (attachments) ------------------------------------------------------------------ */
/* Stores `bytes` (at most 20 MiB) in the store and sets the ATTACHMENT question `path` to it.
 * media_type "image/jpeg"; file_name may be NULL. */
DS_EXPORT ds_status ds_session_attach(ds_session* session, const char* path,
                                      const uint8_t* bytes, size_t len, const char* media_type,
                                      const char* file_name, ds_change_list** changes);

/* ---- audit trail --------------------------------------------------------------------------- */
typedef struct ds_audit_list ds_audit_list;
/* Who changed what, when, in the record (oldest first). */
DS_EXPORT ds_status ds_store_audit_trail(ds_store* store, const char* record_id,
                                         ds_audit_list** out);
DS_EXPORT void ds_audit_list_free(ds_audit_list* list);
DS_EXPORT size_t ds_audit_list_count(const ds_audit_list* list);
DS_EXPORT const char* ds_audit_list_path(const ds_audit_list* list, size_t i);
/* Old and new values as text ("" when empty / cleared). */
DS_EXPORT const char* ds_audit_list_old_value(const ds_audit_list* list, size_t i);
DS_EXPORT const char* ds_audit_list_new_value(const ds_audit_list* list, size_t i);
DS_EXPORT const char* ds_audit_list_surveyor(const ds_audit_list* list, size_t i);
DS_EXPORT const char* ds_audit_list_device(const ds_audit_list* list, size_t i);
/* Wall time of the change, Unix milliseconds (from its hybrid logical clock). */
DS_EXPORT int64_t ds_audit_list_time_ms(const ds_audit_list* list, size_t i);

/* ---- HTTP transport (supplied by the host, or the built-in libcurl one) -------------------- */
/* The sync client sends each request through `send`, which blocks until the server's answer (any
 * HTTP status) and fills the response with ds_http_response_set_status / add_header / set_body.
 * Return DS_OK when an answer was had; DS_UNAVAILABLE (connection refused, timeout, no network)
 * or DS_CANCELLED otherwise: the sync client retries with backoff. Bodies are raw bytes
 * (compression is done by Doorstep). The request is borrowed for the duration of the call. */
typedef struct ds_http_request ds_http_request;
typedef struct ds_http_response ds_http_response;
typedef struct ds_transport {
  void* context;
  ds_status (*send)(void* context, const ds_http_request* request, ds_http_response* response);
} ds_transport;

DS_EXPORT const char* ds_http_request_method(const ds_http_request* request);
DS_EXPORT const char* ds_http_request_url(const ds_http_request* request);
DS_EXPORT size_t ds_http_request_header_count(const ds_http_request* request);
DS_EXPORT const char* ds_http_request_header_name(const ds_http_request* request, size_t i);
DS_EXPORT const char* ds_http_request_header_value(const ds_http_request* request, size_t i);
DS_EXPORT const uint8_t* ds_http_request_body(const ds_http_request* request, size_t* len);
DS_EXPORT void ds_http_response_set_status(ds_http_response* response, int http_status);
/* Header names are stored in lower case. */
DS_EXPORT void ds_http_response_add_header(ds_http_response* response, const char* name,
                                           const char* value);
DS_EXPORT void ds_http_response_set_body(ds_http_response* response, const uint8_t* body,
                                         size_t len);

/* The built-in libcurl transport (with retries and keep-alive). DS_FAILED_PRECONDITION when the
 * library was built without it. One transport may serve syncs of different stores on different
 * threads: their requests take turns on its one connection. Destroy after the syncs using it are
 * over; ds_curl_transport_destroy ignores transports it did not create (also copies of one). */
DS_EXPORT ds_status ds_curl_transport_create(ds_transport** out);
DS_EXPORT void ds_curl_transport_destroy(ds_transport* transport);
/* HTTPS of a built-in transport (docs/sync.md, "TLS"). The server's certificate is always
 * verified; `ca_file`: a PEM bundle of the CAs to trust instead of the system's (a township's own
 * CA; NULL or "": the system's); `pinned_key`: the server's public key must also match,
 * "sha256//<base64>" (NULL or "": no pin); `allow_plain_http` nonzero: http:// to a server other
 * than this device is allowed (otherwise refused: credentials and households would travel in the
 * clear). A certificate or pin failure is DS_PERMISSION_DENIED and never retried. Takes effect
 * from the next request. DS_INVALID_ARGUMENT for a transport this library did not create or a
 * string over 4096 bytes. */
DS_EXPORT ds_status ds_curl_transport_configure(ds_transport* transport, const char* ca_file,
                                                const char* pinned_key, int allow_plain_http);

/* ---- sync ---------------------------------------------------------------------------------- */
typedef struct ds_cancel ds_cancel;
DS_EXPORT ds_cancel* ds_cancel_create(void);
DS_EXPORT void ds_cancel_destroy(ds_cancel* cancel);
/* Asks the sync using `cancel` to stop soon (DS_CANCELLED). Any thread. */
DS_EXPORT void ds_cancel_request(ds_cancel* cancel);

/* Enrolls the store with the township server using a one-time token from the office, and
 * installs its forms. */
DS_EXPORT ds_status ds_sync_enroll(ds_store* store, const ds_transport* transport,
                                   const char* server_url, const char* token,
                                   const char* device_name);

/* Sync phases for progress. */
enum { DS_PHASE_FORMS = 0, DS_PHASE_PUSH = 1, DS_PHASE_PULL = 2, DS_PHASE_CHECKSUM = 3,
       DS_PHASE_ATTACHMENTS = 4, DS_PHASE_DONE = 5 };
typedef struct ds_sync_progress {
  int phase;
  uint64_t changes_to_push;
  uint64_t changes_pushed;
  uint64_t changes_pulled;
  uint64_t bytes_sent;
  uint64_t bytes_received;
} ds_sync_progress;
typedef void (*ds_progress_fn)(void* context, const ds_sync_progress* progress);

typedef struct ds_sync_report ds_sync_report;
/* A full sync (forms, push, pull, checksums, photos). `progress` and `cancel` may be NULL. The
 * return value is the sync's first error (DS_OK when everything ran); `*report` (may be NULL)
 * is filled whatever the outcome, with what was done. */
DS_EXPORT ds_status ds_sync(ds_store* store, const ds_transport* transport,
                            ds_progress_fn progress, void* progress_context, ds_cancel* cancel,
                            ds_sync_report** report);
DS_EXPORT void ds_sync_report_free(ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_changes_pushed(const ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_changes_pulled(const ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_records_created(const ds_sync_report* report);
/* Records removed because the township moved this device to other villages (doorstep-server
 * devices rescope): those of villages it no longer holds, never one with unpushed changes. */
DS_EXPORT uint64_t ds_sync_report_records_purged(const ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_still_pending(const ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_bytes_sent(const ds_sync_report* report);
DS_EXPORT uint64_t ds_sync_report_bytes_received(const ds_sync_report* report);
/* 1 when the per-village checksums were compared and matched. */
DS_EXPORT int ds_sync_report_checksums_match(const ds_sync_report* report);
/* Conflicts this sync met (every value is kept on the server for the township reviewer). */
DS_EXPORT size_t ds_sync_report_conflict_count(const ds_sync_report* report);
DS_EXPORT const char* ds_sync_report_conflict_record(const ds_sync_report* report, size_t i);
DS_EXPORT const char* ds_sync_report_conflict_path(const ds_sync_report* report, size_t i);
/* 1: this device's value won; 0: the store adopted the other device's value. */
DS_EXPORT int ds_sync_report_conflict_local_won(const ds_sync_report* report, size_t i);
/* Changes the server quarantined (kept for a reviewer, no longer pending here), with reason. */
DS_EXPORT size_t ds_sync_report_quarantined_count(const ds_sync_report* report);
DS_EXPORT const char* ds_sync_report_quarantined_record(const ds_sync_report* report, size_t i);
DS_EXPORT const char* ds_sync_report_quarantined_path(const ds_sync_report* report, size_t i);
DS_EXPORT const char* ds_sync_report_quarantined_reason(const ds_sync_report* report, size_t i);

typedef struct ds_conflict_list ds_conflict_list;
/* The server's open conflicts of this device's villages (all = 1: resolved ones too). */
DS_EXPORT ds_status ds_sync_conflicts(ds_store* store, const ds_transport* transport, int all,
                                      ds_conflict_list** out);
DS_EXPORT void ds_conflict_list_free(ds_conflict_list* list);
DS_EXPORT size_t ds_conflict_list_count(const ds_conflict_list* list);
DS_EXPORT int64_t ds_conflict_list_id(const ds_conflict_list* list, size_t i);
DS_EXPORT const char* ds_conflict_list_record(const ds_conflict_list* list, size_t i);
DS_EXPORT const char* ds_conflict_list_path(const ds_conflict_list* list, size_t i);
DS_EXPORT int ds_conflict_list_resolved(const ds_conflict_list* list, size_t i);
/* Candidates (every concurrent value): value as text, surveyor, device; the winner's index. */
DS_EXPORT size_t ds_conflict_list_candidate_count(const ds_conflict_list* list, size_t i);
DS_EXPORT const char* ds_conflict_list_candidate_value(const ds_conflict_list* list, size_t i,
                                                       size_t j);
DS_EXPORT const char* ds_conflict_list_candidate_surveyor(const ds_conflict_list* list, size_t i,
                                                          size_t j);
DS_EXPORT const char* ds_conflict_list_candidate_device(const ds_conflict_list* list, size_t i,
                                                        size_t j);
DS_EXPORT size_t ds_conflict_list_winner(const ds_conflict_list* list, size_t i);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* DOORSTEP_C_DOORSTEP_H_ */
