// Errors of the C ABI as a Swift Error, and the one place a ds_status is checked.
import Doorstep

/// A failure reported by libdoorstep: the code (the stable `DS_*` numbers), a message naming what
/// was wrong (a field path, an endpoint; never a value) and `where`, the part that locates it.
public struct DoorstepError: Error, CustomStringConvertible {
    public enum Code: Int32 {
        case invalidArgument = 1, notFound, alreadyExists, failedPrecondition, validation, parse,
             corruption, io, wrongKey, schemaTooNew, conflict, permissionDenied, internalError,
             unavailable, cancelled, resourceExhausted
    }

    /// The raw status (also for numbers this wrapper does not know).
    public let status: Int32
    public let message: String
    public let `where`: String

    public var code: Code? { Code(rawValue: status) }
    public var description: String { "\(String(cString: ds_status_name(status))): \(message)" }

    /// The calling thread's last error (read at once: valid only until the next failing call).
    init(status: Int32) {
        self.status = status
        self.message = String(cString: ds_last_error_message())
        self.where = String(cString: ds_last_error_where())
    }
}

/// Throws the last error when `status` is not DS_OK (0).
@inline(__always)
func check(_ status: Int32) throws {
    if status != 0 { throw DoorstepError(status: status) }
}

/// A borrowed C string of a list (never NULL in the ABI; "" when absent).
@inline(__always)
func text(_ p: UnsafePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? ""
}

/// A `char*` returned through an out parameter: copied, then released with ds_free.
func take(_ p: UnsafeMutablePointer<CChar>?) -> String {
    guard let p = p else { return "" }
    defer { ds_free(p) }
    return String(cString: p)
}

public enum Library {
    /// "0.1.0"
    public static var version: String { String(cString: ds_version()) }
    /// The ABI version of the library actually loaded; compare with `DS_ABI_VERSION`.
    public static var abiVersion: Int32 { ds_abi_version() }
    /// True when stores are encrypted (built with SQLCipher): every iOS build should be.
    public static var encryptionAvailable: Bool { ds_encryption_available() != 0 }
    /// `count` bytes from the system's random source (e.g. a new store key).
    public static func randomBytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try check(ds_random_bytes(&bytes, count))
        return bytes
    }
}
