import CGEOS

/// The messages GEOS sends to a context's handlers. Its address is the handlers' userdata, because a
/// C function pointer cannot capture Swift state.
final class GEOSMessageLog {
    var lastError: String?
    var lastNotice: String?
}

/// One GEOS context handle (`GEOS_init_r` … `GEOS_finish_r`) with error and notice handlers attached.
///
/// Deliberately not `Sendable`: GEOS contexts, geometries and especially prepared geometries (built
/// lazily on first query) must not be used from two threads at once. Create one context per worker
/// thread or task and keep every geometry made from it on that worker.
///
/// Geometries keep their context alive, so the context is finished only after its last geometry.
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    private let log = GEOSMessageLog()

    public init() throws {
        // NULL on error (allocation failure).
        guard let handle = GEOS_init_r() else {
            throw GEOSError(operation: "GEOS_init_r", message: "GEOS could not create a context")
        }
        self.handle = handle
        // `log` is owned by self and outlives `GEOS_finish_r` (stored properties are released after deinit),
        // so an unretained pointer is enough.
        let userdata = Unmanaged.passUnretained(log).toOpaque()
        // Both return the previous handler (none here).
        _ = GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let log = Unmanaged<GEOSMessageLog>.fromOpaque(userdata).takeUnretainedValue()
            log.lastError = message.map { String(cString: $0) } ?? ""
        }, userdata)
        _ = GEOSContext_setNoticeMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let log = Unmanaged<GEOSMessageLog>.fromOpaque(userdata).takeUnretainedValue()
            log.lastNotice = message.map { String(cString: $0) } ?? ""
        }, userdata)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
    public static var libraryVersion: String { String(cString: GEOSversion()) }

    /// The error for a call that just reported failure, carrying (and consuming) GEOS's last message.
    func failure(_ operation: String) -> GEOSError {
        defer { log.lastError = nil }
        return GEOSError(operation: operation, message: log.lastError ?? "GEOS reported a failure without a message")
    }

    /// Reads a GEOS predicate result: 1 true, 0 false, 2 exception.
    func predicate(_ result: CChar, _ operation: String) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw failure(operation)
        }
    }

    /// Wraps a newly allocated geometry (NULL on error) so that it is destroyed exactly once.
    func owned(_ pointer: OpaquePointer?, _ operation: String) throws -> GEOSGeometry {
        guard let pointer else { throw failure(operation) }
        return GEOSGeometry(owning: pointer, in: self)
    }
}

@available(*, unavailable, message: "a GEOS context must stay on one thread; create one per worker")
extension GEOSContext: Sendable {}
