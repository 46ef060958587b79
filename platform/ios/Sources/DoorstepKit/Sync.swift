// Sync with the township server over the app's own HTTP (URLSession through a ds_transport):
// enroll, sync with progress and cancel, conflicts. Runs on the store's thread and blocks; only
// CancelToken.cancel() may be called from another thread.
import Doorstep
import Foundation

public struct HttpRequest {
    public let method: String
    public let url: String
    public let headers: [(name: String, value: String)]
    public let body: Data
}

public struct HttpResponse {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: Data

    public init(status: Int, headers: [(name: String, value: String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// HTTP for the sync client. `send` blocks until the server's answer (any HTTP status); throw
/// `TransportError.unavailable` when there was none (the library retries with backoff); any
/// other error stops the call and is rethrown from it.
public protocol Transport: AnyObject {
    func send(_ request: HttpRequest) throws -> HttpResponse
}

public enum TransportError: Error { case unavailable }

/// A Transport over URLSession (a blocking wrapper: never call it on the main thread).
public final class URLSessionTransport: Transport {
    private let session: URLSession

    public init(session: URLSession = .shared) { self.session = session }

    public func send(_ request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url) else { throw TransportError.unavailable }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }
        let done = DispatchSemaphore(value: 0)
        var result: HttpResponse?
        session.dataTask(with: urlRequest) { data, response, _ in
            if let http = response as? HTTPURLResponse {
                let headers = http.allHeaderFields.map { (name: "\($0.key)", value: "\($0.value)") }
                result = HttpResponse(status: http.statusCode, headers: headers,
                                      body: data ?? Data())
            }
            done.signal()
        }.resume()
        done.wait()
        guard let answer = result else { throw TransportError.unavailable }
        return answer
    }
}

/// Stops a running sync soon (DS_CANCELLED); cancel() from any thread.
public final class CancelToken {
    let handle: OpaquePointer
    public init() { handle = ds_cancel_create() }
    deinit { ds_cancel_destroy(handle) }
    public func cancel() { ds_cancel_request(handle) }
}

public struct SyncProgress {
    /// DS_PHASE_*: forms, push, pull, checksum, attachments, done.
    public let phase: Int32
    public let changesToPush: UInt64
    public let changesPushed: UInt64
    public let changesPulled: UInt64
    public let bytesSent: UInt64
    public let bytesReceived: UInt64
}

public struct SyncReport {
    public struct Conflict {
        public let recordId: String
        public let path: String
        public let localWon: Bool
    }
    public struct Quarantined {
        public let recordId: String
        public let path: String
        public let reason: String
    }

    public let changesPushed: UInt64
    public let changesPulled: UInt64
    public let recordsCreated: UInt64
    /// Records of villages this device no longer holds (the township rescoped it).
    public let recordsPurged: UInt64
    public let stillPending: UInt64
    public let bytesSent: UInt64
    public let bytesReceived: UInt64
    public let checksumsMatch: Bool
    public let conflicts: [Conflict]
    public let quarantined: [Quarantined]

    init(_ r: OpaquePointer?) {
        changesPushed = ds_sync_report_changes_pushed(r)
        changesPulled = ds_sync_report_changes_pulled(r)
        recordsCreated = ds_sync_report_records_created(r)
        recordsPurged = ds_sync_report_records_purged(r)
        stillPending = ds_sync_report_still_pending(r)
        bytesSent = ds_sync_report_bytes_sent(r)
        bytesReceived = ds_sync_report_bytes_received(r)
        checksumsMatch = ds_sync_report_checksums_match(r) != 0
        conflicts = (0..<ds_sync_report_conflict_count(r)).map {
            Conflict(recordId: text(ds_sync_report_conflict_record(r, $0)),
                     path: text(ds_sync_report_conflict_path(r, $0)),
                     localWon: ds_sync_report_conflict_local_won(r, $0) != 0)
        }
        quarantined = (0..<ds_sync_report_quarantined_count(r)).map {
            Quarantined(recordId: text(ds_sync_report_quarantined_record(r, $0)),
                        path: text(ds_sync_report_quarantined_path(r, $0)),
                        reason: text(ds_sync_report_quarantined_reason(r, $0)))
        }
    }
}

/// A sync that stopped on an error, with what it did before.
public struct SyncError: Error {
    public let error: DoorstepError
    public let report: SyncReport
}

public struct ServerConflict {
    public struct Candidate {
        public let value: String
        public let surveyor: String
        public let device: String
    }
    public let id: Int64
    public let recordId: String
    public let path: String
    public let resolved: Bool
    public let candidates: [Candidate]
    public let winner: Int
}

/// The Swift transport and progress closure behind the C callbacks, for one call.
private final class CallContext {
    let transport: Transport
    let progress: ((SyncProgress) -> Void)?
    var error: Error?
    init(_ transport: Transport, _ progress: ((SyncProgress) -> Void)?) {
        self.transport = transport
        self.progress = progress
    }
}

private func request(_ r: OpaquePointer?) -> HttpRequest {
    var length = 0
    let body = ds_http_request_body(r, &length)
    return HttpRequest(
        method: text(ds_http_request_method(r)), url: text(ds_http_request_url(r)),
        headers: (0..<ds_http_request_header_count(r)).map {
            (name: text(ds_http_request_header_name(r, $0)),
             value: text(ds_http_request_header_value(r, $0)))
        },
        body: body.map { Data(bytes: $0, count: length) } ?? Data())
}

public final class Sync {
    public let store: Store
    public let transport: Transport

    public init(store: Store, transport: Transport) {
        self.store = store
        self.transport = transport
    }

    /// Runs `body` with a ds_transport calling `transport` (and a progress callback), then
    /// rethrows what a callback threw.
    private func withTransport(progress: ((SyncProgress) -> Void)? = nil,
                               _ body: (UnsafePointer<ds_transport>, ds_progress_fn?,
                                        UnsafeMutableRawPointer) -> Int32) throws -> Int32 {
        let context = CallContext(transport, progress)
        let raw = Unmanaged.passUnretained(context).toOpaque()
        var callback = ds_transport(context: raw, send: { raw, request_, response in
            let context = Unmanaged<CallContext>.fromOpaque(raw!).takeUnretainedValue()
            if context.error != nil { return 15 }  // DS_CANCELLED: an earlier callback threw
            do {
                let answer = try context.transport.send(request(request_))
                ds_http_response_set_status(response, Int32(answer.status))
                for header in answer.headers {
                    ds_http_response_add_header(response, header.name, header.value)
                }
                answer.body.withUnsafeBytes { bytes in
                    ds_http_response_set_body(response,
                                              bytes.bindMemory(to: UInt8.self).baseAddress,
                                              bytes.count)
                }
                return 0
            } catch TransportError.unavailable {
                return 14  // DS_UNAVAILABLE: retried
            } catch {
                context.error = error
                return 15
            }
        })
        let onProgress: ds_progress_fn = { raw, p in
            let context = Unmanaged<CallContext>.fromOpaque(raw!).takeUnretainedValue()
            guard let p = p?.pointee else { return }
            context.progress?(SyncProgress(phase: p.phase, changesToPush: p.changes_to_push,
                                           changesPushed: p.changes_pushed,
                                           changesPulled: p.changes_pulled,
                                           bytesSent: p.bytes_sent,
                                           bytesReceived: p.bytes_received))
        }
        let status = withExtendedLifetime(context) {
            withUnsafePointer(to: &callback) { body($0, progress == nil ? nil : onProgress, raw) }
        }
        if let error = context.error { throw error }
        return status
    }

    /// Enrolls the store with a one-time token from the township office; installs its forms.
    public func enroll(serverURL: String, token: String, deviceName: String) throws {
        try check(try withTransport { transport, _, _ in
            ds_sync_enroll(store.handle, transport, serverURL, token, deviceName)
        })
    }

    /// A full sync. Throws SyncError (with the report) when it stopped on an error.
    @discardableResult
    public func sync(cancel: CancelToken? = nil,
                     progress: ((SyncProgress) -> Void)? = nil) throws -> SyncReport {
        var report: OpaquePointer?
        defer { ds_sync_report_free(report) }
        let status = try withTransport(progress: progress) { transport, onProgress, context in
            ds_sync(store.handle, transport, onProgress, context, cancel?.handle, &report)
        }
        if status != 0 {
            throw SyncError(error: DoorstepError(status: status), report: SyncReport(report))
        }
        return SyncReport(report)
    }

    /// The server's conflicts of this device's villages (all: resolved ones too).
    public func conflicts(all: Bool = false) throws -> [ServerConflict] {
        var list: OpaquePointer?
        defer { ds_conflict_list_free(list) }
        try check(try withTransport { transport, _, _ in
            ds_sync_conflicts(store.handle, transport, all ? 1 : 0, &list)
        })
        return (0..<ds_conflict_list_count(list)).map { i in
            ServerConflict(
                id: ds_conflict_list_id(list, i), recordId: text(ds_conflict_list_record(list, i)),
                path: text(ds_conflict_list_path(list, i)),
                resolved: ds_conflict_list_resolved(list, i) != 0,
                candidates: (0..<ds_conflict_list_candidate_count(list, i)).map { j in
                    ServerConflict.Candidate(
                        value: text(ds_conflict_list_candidate_value(list, i, j)),
                        surveyor: text(ds_conflict_list_candidate_surveyor(list, i, j)),
                        device: text(ds_conflict_list_candidate_device(list, i, j)))
                },
                winner: ds_conflict_list_winner(list, i))
        }
    }
}
