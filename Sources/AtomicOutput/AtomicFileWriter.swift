import Glibc

/// A failure to create, write or publish an output file. The message names the file.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes a file under a temporary name in the destination folder and renames it into place on
/// `commit()`, so a reader (or a batch job killed half-way) never sees a half-written file.
///
/// Output is buffered; `write` calls are cheap. If the writer is dropped without `commit()`,
/// the temporary file is removed and the destination is left untouched.
public final class AtomicFileWriter {
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    private var committed = false

    /// Opens a temporary file next to `path`, creating missing parent folders.
    public init(path: String) throws {
        self.path = path
        let folder = AtomicFileWriter.parentFolder(of: path)
        try AtomicFileWriter.createFolders(folder, for: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        temporaryPath = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(getpid()).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: path, reason: AtomicFileWriter.errnoText()) }
        OpenOutputs.shared.add(temporaryPath)
        buffer.reserveCapacity(bufferLimit)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed {
            _ = OpenOutputs.shared.remove(temporaryPath)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Writes `bytes`; a buffer of at least the buffer's size goes to the file directly instead of being copied
    /// through it.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard bytes.count >= bufferLimit else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= bufferLimit { try flush() }
            return
        }
        try flush()
        try writeAll(UnsafeRawBufferPointer(bytes))
    }

    /// Appends `bytes` (an array: copied as one block, not element by element as a generic sequence would be).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try write($0) }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    public func write(byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Writes the buffered bytes, closes the file and renames it to `path`.
    public func commit() throws {
        precondition(!committed, "commit() called twice for \(path)")
        try flush()
        guard close(descriptor) == 0 else {
            descriptor = -1
            throw OutputError(path: path, reason: AtomicFileWriter.errnoText())
        }
        descriptor = -1
        // A stop under way owns the temporary now: it is removed, not published.
        guard OpenOutputs.shared.remove(temporaryPath) else { throw OutputError(path: path, reason: "stopped") }
        guard rename(temporaryPath, path) == 0 else { throw OutputError(path: path, reason: AtomicFileWriter.errnoText()) }
        committed = true
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: AtomicFileWriter.errnoText())
            }
            offset += written
        }
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func createFolders(_ folder: String, for path: String) throws {
        guard !folder.isEmpty else { return }
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OutputError(path: path, reason: "cannot create folder \(current): \(errnoText())")
            }
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Writes `bytes` to `path` atomically.
public func writeAtomically(_ bytes: some Sequence<UInt8>, to path: String) throws {
    let writer = try AtomicFileWriter(path: path)
    try writer.write(bytes)
    try writer.commit()
}

/// Streams a file through `body` and publishes it only if `body` returns without throwing.
public func writeAtomically(to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
    let writer = try AtomicFileWriter(path: path)
    try body(writer)
    try writer.commit()
}
