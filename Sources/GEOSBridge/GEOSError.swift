/// A GEOS call failed, or the bridge refused input before handing it to GEOS.
///
/// `message` is GEOS's own text when GEOS reported the failure (e.g. "ParseException: Expected word but
/// encountered end of stream"), so it can be shown to whoever supplied the geometry.
public struct GEOSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What the bridge was doing, e.g. "intersection" or "convert polygon 3 hole 1".
    public let operation: String
    /// The reason, as GEOS worded it where possible. Never empty.
    public let message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message.isEmpty ? "no reason given" : message
    }

    public var description: String { "GEOS \(operation) failed: \(message)" }
}
