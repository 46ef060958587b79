// FormSession: what a survey screen is drawn from (questions, edits with their change lists,
// navigation, repeats, signatures, photos, finalize). The store's thread only.
import Doorstep
import Foundation

public struct Choice {
    public let value: String
    public let label: String
}

public struct Question {
    public enum Kind: Int32 { case field = 0, group, repeatHeader, instance }
    public enum SignatureState: Int32 { case valid = 0, stale, missing }

    public let kind: Kind
    public let path: String
    public let name: String
    /// DS_TYPE_* (== doorstep.v1.FieldType).
    public let type: Int32
    public let depth: Int32
    public let label: String
    public let hint: String
    public let relevant: Bool
    public let required: Bool
    public let readOnly: Bool
    public let hasValue: Bool
    public let display: String
    public let valueText: String
    /// Serialized doorstep.v1.Value; empty when the question has no value.
    public let valueBytes: Data
    public let instanceCount: Int64
    public let choices: [Choice]
    public let errorCode: String
    public let errorMessage: String
    public let signatureState: SignatureState
    public let signerName: String
    public let proxySignerName: String

    init(_ list: OpaquePointer?, _ i: Int) {
        let flags = ds_question_flags(list, i)
        var length = 0
        let bytes = ds_question_value_bytes(list, i, &length)
        kind = Kind(rawValue: ds_question_kind(list, i)) ?? .field
        path = text(ds_question_path(list, i))
        name = text(ds_question_name(list, i))
        type = ds_question_type(list, i)
        depth = ds_question_depth(list, i)
        label = text(ds_question_label(list, i))
        hint = text(ds_question_hint(list, i))
        relevant = flags & 1 != 0
        required = flags & 2 != 0
        readOnly = flags & 4 != 0
        hasValue = flags & 8 != 0
        display = text(ds_question_display(list, i))
        valueText = text(ds_question_value_text(list, i))
        valueBytes = bytes.map { Data(bytes: $0, count: length) } ?? Data()
        instanceCount = ds_question_instance_count(list, i)
        choices = (0..<ds_question_choice_count(list, i)).map { j in
            Choice(value: text(ds_question_choice_value(list, i, j)),
                   label: text(ds_question_choice_label(list, i, j)))
        }
        errorCode = text(ds_question_error_code(list, i))
        errorMessage = text(ds_question_error_message(list, i))
        signatureState = SignatureState(rawValue: ds_question_signature_state(list, i)) ?? .missing
        signerName = text(ds_question_signer_name(list, i))
        proxySignerName = text(ds_question_proxy_signer_name(list, i))
    }
}

public struct Change {
    /// DS_CHANGE_*: inserted, removed, appeared, disappeared, value, errorAppeared, ...
    public let kind: Int32
    public let path: String
}

public struct Changes {
    public let changes: [Change]
    /// addInstance: the new instance's path; "" otherwise.
    public let instancePath: String

    /// Copies and frees a change list (NULL = no changes).
    init(taking list: OpaquePointer?) {
        defer { ds_change_list_free(list) }
        guard let list = list else {
            changes = []
            instancePath = ""
            return
        }
        changes = (0..<ds_change_list_count(list)).map {
            Change(kind: ds_change_kind(list, $0), path: text(ds_change_path(list, $0)))
        }
        instancePath = text(ds_change_list_instance_path(list))
    }
}

public struct Instance {
    public let path: String
    public let label: String
}

public struct ValidationError {
    public let path: String
    public let code: String
    public let message: String

    static func list(taking list: OpaquePointer?) -> [ValidationError] {
        defer { ds_error_list_free(list) }
        guard let list = list else { return [] }
        return (0..<ds_error_list_count(list)).map {
            ValidationError(path: text(ds_error_list_path(list, $0)),
                            code: text(ds_error_list_code(list, $0)),
                            message: text(ds_error_list_message(list, $0)))
        }
    }
}

public final class FormSession {
    let handle: OpaquePointer
    /// Keeps the store open for as long as the session lives (sessions close first).
    public let store: Store

    /// language "zh" (default) or "en".
    public init(store: Store, recordId: String, language: String = "zh") throws {
        var session: OpaquePointer?
        try check(ds_session_open(store.handle, recordId, language, &session))
        handle = session!
        self.store = store
    }

    deinit { ds_session_close(handle) }

    public var state: RecordState { RecordState(rawValue: ds_session_state(handle)) ?? .draft }

    public func setLanguage(_ language: String) throws {
        try check(ds_session_set_language(handle, language))
    }

    public func questions() throws -> [Question] {
        var list: OpaquePointer?
        try check(ds_session_questions(handle, &list))
        defer { ds_question_list_free(list) }
        return (0..<ds_question_list_count(list)).map { Question(list, $0) }
    }

    /// The question at `path` now (ordinals accepted: "members[2]/m_name"), or nil.
    public func question(_ path: String) throws -> Question? {
        var list: OpaquePointer?
        try check(ds_session_questions(handle, &list))
        defer { ds_question_list_free(list) }
        let i = ds_question_list_find(list, path)
        return i < 0 ? nil : Question(list, Int(i))
    }

    private func edit(_ body: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> Changes {
        var list: OpaquePointer?
        let status = body(&list)
        if status != 0 {
            ds_change_list_free(list)
            throw DoorstepError(status: status)
        }
        return Changes(taking: list)
    }

    public func setText(_ path: String, _ value: String) throws -> Changes {
        try edit { ds_session_set_text(handle, path, value, $0) }
    }

    public func setValue(_ path: String, valueBytes: Data) throws -> Changes {
        try edit { out in
            valueBytes.withUnsafeBytes { raw in
                ds_session_set_value(handle, path, raw.bindMemory(to: UInt8.self).baseAddress,
                                     raw.count, out)
            }
        }
    }

    public func clear(_ path: String) throws -> Changes {
        try edit { ds_session_clear(handle, path, $0) }
    }

    public func addInstance(_ repeatPath: String) throws -> Changes {
        try edit { ds_session_add_instance(handle, repeatPath, $0) }
    }

    public func removeInstance(_ instancePath: String) throws -> Changes {
        try edit { ds_session_remove_instance(handle, instancePath, $0) }
    }

    public func refresh() throws -> Changes {
        try edit { ds_session_refresh(handle, $0) }
    }

    public func reopen() throws -> Changes {
        try edit { ds_session_reopen(handle, $0) }
    }

    /// The next relevant field after `path` (nil = from the start); nil at the end.
    public func next(after path: String?) throws -> String? {
        var out: UnsafeMutablePointer<CChar>?
        try check(ds_session_next(handle, path, &out))
        let next = take(out)
        return next.isEmpty ? nil : next
    }

    public func previous(before path: String?) throws -> String? {
        var out: UnsafeMutablePointer<CChar>?
        try check(ds_session_previous(handle, path, &out))
        let previous = take(out)
        return previous.isEmpty ? nil : previous
    }

    public func firstError() throws -> String? {
        var out: UnsafeMutablePointer<CChar>?
        try check(ds_session_first_error(handle, &out))
        let first = take(out)
        return first.isEmpty ? nil : first
    }

    public func instances(_ repeatPath: String) throws -> [Instance] {
        var list: OpaquePointer?
        try check(ds_session_instances(handle, repeatPath, &list))
        defer { ds_instance_list_free(list) }
        return (0..<ds_instance_list_count(list)).map {
            Instance(path: text(ds_instance_list_path(list, $0)),
                     label: text(ds_instance_list_label(list, $0)))
        }
    }

    /// Signs a SIGNATURE question with pen points (ds_point: x, y, t_ms, pressure, stroke).
    public func sign(_ path: String, signer: String, proxySigner: String? = nil,
                     canvasWidth: UInt32, canvasHeight: UInt32,
                     points: [ds_point]) throws -> Changes {
        try edit { out in
            points.withUnsafeBufferPointer { buffer in
                ds_session_sign(handle, path, signer, proxySigner, canvasWidth, canvasHeight,
                                buffer.baseAddress, buffer.count, out)
            }
        }
    }

    public func signatureSVG(_ path: String) throws -> String {
        var svg: UnsafeMutablePointer<CChar>?
        try check(ds_session_signature_svg(handle, path, &svg))
        return take(svg)
    }

    /// Adds a photo (at most 20 MiB) to an ATTACHMENT question.
    public func attach(_ path: String, photo: Data, mediaType: String = "image/jpeg",
                       fileName: String? = nil) throws -> Changes {
        try edit { out in
            photo.withUnsafeBytes { raw in
                ds_session_attach(handle, path, raw.bindMemory(to: UInt8.self).baseAddress,
                                  raw.count, mediaType, fileName, out)
            }
        }
    }

    public func validate() throws -> [ValidationError] {
        var list: OpaquePointer?
        try check(ds_session_validate(handle, &list))
        return ValidationError.list(taking: list)
    }

    /// Finalizes when valid (errors empty); otherwise returns every error and changes nothing.
    public func finalize() throws -> (errors: [ValidationError], changes: Changes) {
        var errors: OpaquePointer?
        var changes: OpaquePointer?
        let status = ds_session_finalize(handle, &errors, &changes)
        if status != 0 && status != 5 {  // 5 = DS_VALIDATION: the errors are the answer
            ds_error_list_free(errors)
            ds_change_list_free(changes)
            throw DoorstepError(status: status)
        }
        return (ValidationError.list(taking: errors), Changes(taking: changes))
    }
}
