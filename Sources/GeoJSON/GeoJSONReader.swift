import GeoCore
import Glibc

/// Reads GeoJSON into a `FeatureCollection` in one pass over the file's bytes.
///
/// Accepts a FeatureCollection, a single Feature or a bare Point, Polygon or MultiPolygon (the last two become a
/// one-feature collection). Members may come in any order; foreign members are skipped; properties keep every JSON
/// type and their order. Positions may carry a third number, which is dropped. Rings must be closed and hold at
/// least four positions; self-intersection is not checked here.
///
/// ```swift
/// let cells = try GeoJSONReader().read(path: "cells.geojson")
/// ```
public struct GeoJSONReader: Sendable {
    /// Whether positions must be longitude/latitude (|x| <= 180, |y| <= 90). Turn off for projected data.
    public var checksCoordinateRange: Bool

    public init(checksCoordinateRange: Bool = true) {
        self.checksCoordinateRange = checksCoordinateRange
    }

    /// Reads the file at `path`. Errors name the file by `path`.
    ///
    /// A regular file is memory-mapped (and pre-faulted) rather than copied; other files are read into memory.
    /// Like any memory-mapped reader, do not truncate the file in place while it is being read (replacing it
    /// by rename, as `AtomicFileWriter` does, is safe).
    public func read(path: String) throws(GeoJSONError) -> FeatureCollection {
        if let mapping = try MappedFile(path: path) {
            defer { mapping.unmap() }
            return try parse(buffer: mapping.bytes, sourceName: path)
        }
        let bytes = try Self.readFile(path)
        return try parse(bytes: bytes, sourceName: path)
    }

    /// Parses GeoJSON held in memory; `sourceName` is what error messages call the input.
    public func parse(bytes: [UInt8], sourceName: String = "<input>") throws(GeoJSONError) -> FeatureCollection {
        let result: Result<FeatureCollection, GeoJSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(GeoJSONError) {
                return .success(try parse(buffer: buffer, sourceName: sourceName))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func parse(buffer: UnsafeBufferPointer<UInt8>, sourceName: String) throws(GeoJSONError) -> FeatureCollection {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw GeoJSONError(sourceName: sourceName, featureIndex: nil, line: 1, column: 1, reason: .emptyFile)
        }
        var parser = ByteParser(base: base, count: buffer.count, sourceName: sourceName,
                                checksCoordinateRange: checksCoordinateRange)
        return try parser.parseDocument()
    }

    /// The file's bytes in one buffer: one `read` loop into an array sized by `fstat`.
    private static func readFile(_ path: String) throws(GeoJSONError) -> [UInt8] {
        func failure(_ message: String) -> GeoJSONError {
            GeoJSONError(sourceName: path, featureIndex: nil, line: nil, column: nil, reason: .cannotRead(message))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw failure("is a folder") }

        // One spare byte tells "read it all" from "the file grew since fstat"; then keep reading in chunks.
        var chunkSize = max(Int(status.st_size), 0) + 1
        var bytes: [UInt8] = []
        while true {
            var readError: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initialized in
                initialized = 0
                guard let start = buffer.baseAddress else { return }
                while initialized < chunkSize {
                    let n = Glibc.read(descriptor, start + initialized, chunkSize - initialized)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { readError = errno }
                    if n <= 0 { return }
                    initialized += n
                }
            }
            guard readError == 0 else { throw failure(String(cString: strerror(readError))) }
            if bytes.isEmpty { bytes = chunk } else { bytes.append(contentsOf: chunk) }
            if chunk.count < chunkSize { return bytes }
            chunkSize = 1 << 20
        }
    }
}

/// A regular file mapped read-only into memory.
private struct MappedFile {
    let address: UnsafeMutableRawPointer
    let count: Int

    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Maps the file; `nil` when it is not a non-empty regular file or cannot be mapped (then read it instead).
    init?(path: String) throws(GeoJSONError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GeoJSONError(sourceName: path, featureIndex: nil, line: nil, column: nil,
                               reason: .cannotRead(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else {
            return nil
        }
        let size = Int(status.st_size)
        // MAP_POPULATE maps every page now: one call instead of a page fault per 4 KiB.
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0),
              address != MAP_FAILED else { return nil }
        self.address = address
        count = size
    }

    func unmap() { munmap(address, count) }
}
