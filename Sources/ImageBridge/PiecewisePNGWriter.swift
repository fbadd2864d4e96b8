import CZlib
import Dispatch

/// The `.fast` PNG writer: the image's rows are cut into pieces that are filtered and deflated independently,
/// on several threads, and joined into the one zlib stream a PNG's IDAT holds, the way pigz joins them: every
/// piece but the last ends with a sync flush (an empty stored block, so the next piece starts on a byte), the
/// last one finishes the stream, and the Adler-32 trailer is the pieces' checksums combined.
///
/// The pieces depend only on the image size, never on the thread count, so the bytes do not either.
enum PiecewisePNGWriter {
    /// About this many filtered bytes per piece: small enough that two threads share a 2048² map evenly, large
    /// enough that restarting the deflate dictionary at every piece costs little (about 1 % of the file there).
    static let pieceBytes = 1 << 18

    /// The complete PNG file for `width` × `height` RGBA pixels at `pixels` (dimensions already checked).
    static func encode(pixels: UnsafePointer<UInt8>, width: Int, height: Int, threads: Int) throws -> [UInt8] {
        let lineBytes = width * 4 + 1  // filter-type byte + the row
        let rowsPerPiece = max(1, pieceBytes / lineBytes)
        let pieceCount = (height + rowsPerPiece - 1) / rowsPerPiece
        let workers = max(1, min(threads, pieceCount))
        var pieces = [[UInt8]](repeating: [], count: pieceCount)
        var checksums = [UInt32](repeating: 0, count: pieceCount)
        var failures = [String?](repeating: nil, count: workers)
        let source = SendablePointer(pixels)

        pieces.withUnsafeMutableBufferPointer { pieceSlots in
            checksums.withUnsafeMutableBufferPointer { checksumSlots in
                failures.withUnsafeMutableBufferPointer { failureSlots in
                    let pieceOut = SendablePointer(pieceSlots.baseAddress!)
                    let checksumOut = SendablePointer(checksumSlots.baseAddress!)
                    let failureOut = SendablePointer(failureSlots.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var deflater = z_stream()
                        guard heatgrid_deflate_init_raw(&deflater, 1) == Z_OK else {
                            failureOut.value[worker] = "zlib could not start a deflate stream (out of memory?)"
                            return
                        }
                        defer { deflateEnd(&deflater) }
                        let lines = UnsafeMutablePointer<UInt8>.allocate(capacity: rowsPerPiece * lineBytes)
                        defer { lines.deallocate() }
                        // Round robin: piece k goes to worker k mod workers.
                        var piece = worker
                        while piece < pieceCount {
                            let firstRow = piece * rowsPerPiece, endRow = min(height, firstRow + rowsPerPiece)
                            for row in firstRow..<endRow {
                                filterUp(row: row, width: width, pixels: source.value,
                                         into: lines + (row - firstRow) * lineBytes)
                            }
                            let length = (endRow - firstRow) * lineBytes
                            checksumOut.value[piece] = adler32(lines, count: length)
                            let last = piece == pieceCount - 1
                            guard let compressed = deflatePiece(lines, count: length, last: last, with: &deflater)
                            else {
                                failureOut.value[worker] = "zlib failed to compress rows \(firstRow)..<\(endRow)"
                                return
                            }
                            pieceOut.value[piece] = compressed
                            piece += workers
                        }
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw PNGError(path: nil, message: failure) }

        // The stream's checksum: the pieces' combined in order (all but the last piece are rowsPerPiece lines).
        var checksum = UInt(checksums[0])
        for piece in 1..<pieceCount {
            let length = (min(height, (piece + 1) * rowsPerPiece) - piece * rowsPerPiece) * lineBytes
            checksum = heatgrid_adler32_combine(checksum, UInt(checksums[piece]), Int64(length))
        }

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file.reserveCapacity(pieces.reduce(128) { $0 + $1.count + 12 })
        appendChunk("IHDR", to: &file) { body in
            appendBigEndian(UInt32(width), to: &body)
            appendBigEndian(UInt32(height), to: &body)
            body += [8, 6, 0, 0, 0]  // 8 bits per channel, RGBA, deflate, adaptive filtering, no interlace
        }
        appendChunk("sRGB", to: &file) { $0.append(0) }  // perceptual intent, as libpng's simplified API writes
        for (index, piece) in pieces.enumerated() {
            // One IDAT per piece; a piece over 1 GiB (only from rows of hundreds of millions of pixels) is split,
            // as a chunk holds at most 2^31 − 1 bytes.
            var start = 0
            repeat {
                let end = min(piece.count, start + (1 << 30))
                appendChunk("IDAT", to: &file) { body in
                    // zlib header: deflate, 32 KiB window, "fastest" level, no dictionary: 0x7801 % 31 == 0.
                    if index == 0 && start == 0 { body += [0x78, 0x01] }
                    body += piece[start..<end]
                    if index == pieceCount - 1 && end == piece.count { appendBigEndian(UInt32(checksum), to: &body) }
                }
                start = end
            } while start < piece.count
        }
        appendChunk("IEND", to: &file) { _ in }
        return file
    }

    /// One PNG line: the filter-type byte, then the row filtered with Up (each byte minus the one above, mod 256):
    /// heat maps and maps are mostly flat vertically, so Up leaves mostly zeros, the smallest and fastest of the
    /// fixed filters on them (measured against None, Sub and Paeth). The top row has nothing above: None.
    @inline(__always)
    static func filterUp(row: Int, width: Int, pixels: UnsafePointer<UInt8>, into line: UnsafeMutablePointer<UInt8>) {
        let rowBytes = width * 4
        let current = pixels + row * rowBytes
        guard row > 0 else {
            line[0] = 0
            (line + 1).update(from: current, count: rowBytes)
            return
        }
        line[0] = 2
        let above = current - rowBytes, out = UnsafeMutableRawPointer(line + 1)
        let raw = UnsafeRawPointer(current), rawAbove = UnsafeRawPointer(above)
        var i = 0
        while i + 16 <= rowBytes {
            let difference = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                &- rawAbove.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            out.storeBytes(of: difference, toByteOffset: i, as: SIMD16<UInt8>.self)
            i += 16
        }
        while i < rowBytes {
            line[1 + i] = current[i] &- above[i]
            i += 1
        }
    }

    /// Adler-32 (RFC 1950) of `count` bytes. A word of eight zero bytes, most of a filtered heat map, is one
    /// step (b grows by 8·a, a stays), so this runs several times faster than a byte loop there.
    static func adler32(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        let modulus: UInt64 = 65521
        var a: UInt64 = 1, b: UInt64 = 0
        var i = 0
        while i < count {
            // Reduce at least every 4096 bytes: a stays under 2^21 and b under 2^33 in between.
            let blockEnd = min(count, i + 4096)
            while i + 8 <= blockEnd {
                if UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self) == 0 {
                    b += 8 * a
                } else {
                    for k in i..<i + 8 {
                        a += UInt64(bytes[k])
                        b += a
                    }
                }
                i += 8
            }
            while i < blockEnd {
                a += UInt64(bytes[i])
                b += a
                i += 1
            }
            a %= modulus
            b %= modulus
        }
        return UInt32(b << 16 | a)
    }

    /// One piece as raw deflate data ending on a byte boundary: a sync flush, or the end of the stream for the
    /// last piece. nil if zlib fails, which a buffer of `deflateBound` bytes rules out short of a zlib bug.
    static func deflatePiece(_ bytes: UnsafeMutablePointer<UInt8>, count: Int, last: Bool,
                             with deflater: inout z_stream) -> [UInt8]? {
        guard deflateReset(&deflater) == Z_OK else { return nil }
        // deflateBound covers a single Z_FINISH; the sync flush's empty stored block adds 5 bytes.
        let capacity = Int(deflateBound(&deflater, UInt(count))) + 16
        var status: Int32 = Z_STREAM_ERROR
        let compressed = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            deflater.next_in = bytes
            deflater.avail_in = UInt32(count)
            deflater.next_out = buffer.baseAddress
            deflater.avail_out = UInt32(capacity)
            status = deflate(&deflater, last ? Z_FINISH : Z_SYNC_FLUSH)
            initialized = capacity - Int(deflater.avail_out)
        }
        // After a sync flush, a full output buffer would mean zlib may hold more back.
        let complete = last ? status == Z_STREAM_END : status == Z_OK && deflater.avail_out > 0
        return complete && deflater.avail_in == 0 ? compressed : nil
    }

    /// Appends a chunk: length, type, the body `write` appends, and the CRC-32 of type and body.
    static func appendChunk(_ type: String, to file: inout [UInt8], _ write: (inout [UInt8]) -> Void) {
        let start = file.count
        appendBigEndian(0, to: &file)  // the length, filled in below
        file += Array(type.utf8)
        write(&file)
        let length = file.count - start - 8
        for k in 0..<4 { file[start + k] = UInt8(truncatingIfNeeded: UInt32(length) >> (24 - 8 * k)) }
        let crc = file.withUnsafeBufferPointer { all in
            crc32(0, all.baseAddress! + start + 4, UInt32(length + 4))
        }
        appendBigEndian(UInt32(crc), to: &file)
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                  UInt8(truncatingIfNeeded: value)]
    }
}

/// Lets `concurrentPerform` workers read the pixels and write disjoint slots of the result arrays.
private struct SendablePointer<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
