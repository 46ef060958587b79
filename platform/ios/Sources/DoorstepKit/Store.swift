// Store: a tablet's local encrypted store (forms, records, audit trail). One thread at a time:
// keep every Store, FormSession and Sync call on one serial "database" queue.
import Doorstep
import Foundation

/// Where a store's key lives: on iOS the Keychain (KeychainKeyStore). Called during Store.init on
/// its thread, with the key id (the store's file name); returns the key, creating it the first
/// time. Throwing fails the open with that error.
public protocol KeyStore: AnyObject {
    func key(for keyId: String) throws -> [UInt8]
}

public struct FormInfo {
    public let id: String
    public let version: String
    public let titleZh: String
    public let titleEn: String
    public let recordCount: Int64
}

public enum RecordState: Int32 { case draft = 0, finalized = 1 }

public struct RecordInfo {
    public let id: String
    public let formId: String
    public let formVersion: String
    public let state: RecordState
    public let updatedMs: Int64
}

public struct AuditEntry {
    public let path: String
    public let oldValue: String
    public let newValue: String
    public let surveyor: String
    public let device: String
    public let timeMs: Int64
}

private final class KeyStoreBox {
    let keyStore: KeyStore
    var error: Error?
    init(_ keyStore: KeyStore) { self.keyStore = keyStore }
}

public final class Store {
    public enum Durability: Int32 { case full = 0, normal = 1, off = 2 }

    let handle: OpaquePointer

    /// Opens or creates the store at `path` with its key from `keyStore`. `allowPlain` is for
    /// tests only (a library without SQLCipher then opens the store unencrypted).
    public init(path: String, keyStore: KeyStore, durability: Durability = .full,
                allowPlain: Bool = false) throws {
        guard let options = ds_store_options_create() else { throw DoorstepError(status: 16) }
        defer { ds_store_options_destroy(options) }
        ds_store_options_set_path(options, path)
        ds_store_options_set_durability(options, durability.rawValue)
        ds_store_options_set_allow_plain(options, allowPlain ? 1 : 0)
        let box = KeyStoreBox(keyStore)
        var callback = ds_key_store(
            context: Unmanaged.passUnretained(box).toOpaque(),
            get_or_create: { context, keyId, keyOut, capacity, keyLen in
                guard let context = context, let keyId = keyId, let keyOut = keyOut,
                      let keyLen = keyLen else { return 1 }  // DS_INVALID_ARGUMENT
                let box = Unmanaged<KeyStoreBox>.fromOpaque(context).takeUnretainedValue()
                do {
                    var key = try box.keyStore.key(for: String(cString: keyId))
                    defer { for i in key.indices { key[i] = 0 } }
                    if key.isEmpty || key.count > capacity { return 1 }
                    for (i, byte) in key.enumerated() { keyOut[i] = byte }
                    keyLen.pointee = key.count
                    return 0
                } catch {
                    box.error = error
                    return 4  // DS_FAILED_PRECONDITION
                }
            })
        var opened: OpaquePointer?
        let status: Int32 = withExtendedLifetime(box) {
            withUnsafePointer(to: &callback) { pointer in
                ds_store_options_set_key_store(options, pointer)
                return ds_store_open(options, &opened)
            }
        }
        if let error = box.error { throw error }
        try check(status)
        handle = opened!
    }

    deinit { ds_store_close(handle) }

    public func setAuthor(surveyorId: String, deviceId: String) throws {
        try check(ds_store_set_author(handle, surveyorId, deviceId))
    }

    public func pendingCount() throws -> Int64 {
        var count: Int64 = 0
        try check(ds_store_pending_count(handle, &count))
        return count
    }

    /// Installs a form given as serialized doorstep.v1.FormDef bytes.
    public func installForm(_ formDef: Data) throws {
        try formDef.withUnsafeBytes { raw in
            try check(ds_store_install_form(handle, raw.bindMemory(to: UInt8.self).baseAddress,
                                            raw.count))
        }
    }

    public func forms() throws -> [FormInfo] {
        var list: OpaquePointer?
        try check(ds_store_forms(handle, &list))
        defer { ds_form_list_free(list) }
        return (0..<ds_form_list_count(list)).map { i in
            FormInfo(id: text(ds_form_list_id(list, i)),
                     version: text(ds_form_list_version(list, i)),
                     titleZh: text(ds_form_list_title(list, i, "zh")),
                     titleEn: text(ds_form_list_title(list, i, "en")),
                     recordCount: ds_form_list_record_count(list, i))
        }
    }

    /// A new draft of `formId` (`version` nil = the latest installed); its id.
    public func createRecord(formId: String, version: String? = nil) throws -> String {
        var id: UnsafeMutablePointer<CChar>?
        try check(ds_store_create_record(handle, formId, version, &id))
        return take(id)
    }

    public func deleteRecord(_ recordId: String) throws {
        try check(ds_store_delete_record(handle, recordId))
    }

    public func findRecords(formId: String? = nil, query: String? = nil,
                            limit: Int = 0) throws -> [RecordInfo] {
        var list: OpaquePointer?
        try check(ds_store_find_records(handle, formId, query, limit, &list))
        defer { ds_record_list_free(list) }
        return (0..<ds_record_list_count(list)).map { i in
            RecordInfo(id: text(ds_record_list_id(list, i)),
                       formId: text(ds_record_list_form_id(list, i)),
                       formVersion: text(ds_record_list_form_version(list, i)),
                       state: RecordState(rawValue: ds_record_list_state(list, i)) ?? .draft,
                       updatedMs: ds_record_list_updated_ms(list, i))
        }
    }

    public func auditTrail(recordId: String) throws -> [AuditEntry] {
        var list: OpaquePointer?
        try check(ds_store_audit_trail(handle, recordId, &list))
        defer { ds_audit_list_free(list) }
        return (0..<ds_audit_list_count(list)).map { i in
            AuditEntry(path: text(ds_audit_list_path(list, i)),
                       oldValue: text(ds_audit_list_old_value(list, i)),
                       newValue: text(ds_audit_list_new_value(list, i)),
                       surveyor: text(ds_audit_list_surveyor(list, i)),
                       device: text(ds_audit_list_device(list, i)),
                       timeMs: ds_audit_list_time_ms(list, i))
        }
    }
}

/// The store key in the Keychain: 32 random bytes per store, readable after the first unlock
/// and never leaving this device (kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly).
public final class KeychainKeyStore: KeyStore {
    private let service: String

    public init(service: String = "org.doorstep.store-key") { self.service = service }

    public func key(for keyId: String) throws -> [UInt8] {
        let query: [String: Any] = [kSecClass as String: kSecClassGenericPassword,
                                    kSecAttrService as String: service,
                                    kSecAttrAccount as String: keyId,
                                    kSecReturnData as String: true]
        var item: CFTypeRef?
        let found = SecItemCopyMatching(query as CFDictionary, &item)
        if found == errSecSuccess, let data = item as? Data { return [UInt8](data) }
        guard found == errSecItemNotFound else {
            throw NSError(domain: NSOSStatusErrorDomain, code: Int(found))
        }
        let key = try Library.randomBytes(32)
        let add: [String: Any] = [kSecClass as String: kSecClassGenericPassword,
                                  kSecAttrService as String: service,
                                  kSecAttrAccount as String: keyId,
                                  kSecAttrAccessible as String:
                                      kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
                                  kSecValueData as String: Data(key)]
        let added = SecItemAdd(add as CFDictionary, nil)
        guard added == errSecSuccess else {
            throw NSError(domain: NSOSStatusErrorDomain, code: Int(added))
        }
        return key
    }
}
