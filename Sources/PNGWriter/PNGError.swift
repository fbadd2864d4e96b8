/// A PNG could not be encoded, decoded, read or written.
///
/// `message` is libpng's own text (from `png_image.message`) when libpng reported the failure,
/// otherwise the writer's reason (bad dimensions, wrong buffer length, file system error).
public struct PNGError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file concerned, or `nil` for in-memory encoding and decoding.
    public let path: String?
    /// Why it failed. Never empty.
    public let message: String

    public init(path: String?, message: String) {
        self.path = path
        self.message = message.isEmpty ? "libpng gave no reason" : message
    }

    public var description: String {
        if let path { return "PNG \(path): \(message)" }
        return "PNG: \(message)"
    }
}
