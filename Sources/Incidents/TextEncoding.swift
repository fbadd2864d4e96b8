import Dispatch
import Glibc

/// The text encoding of an incident file.
public enum IncidentTextEncoding: String, Sendable, CaseIterable {
    /// UTF-8 when the bytes are valid UTF-8 (or nearly so, see `IncidentCSVReader`), else GB18030.
    case auto
    case utf8
    /// GB18030 (a superset of GBK and GB2312), the usual encoding of files saved by Chinese Excel and WPS.
    case gb18030
}

/// Byte-level encoding checks and the GB18030 → UTF-8 conversion.
enum TextDecoding {
    struct UTF8Check: Equatable {
        /// Byte offsets of the invalid sequences (at most one per byte that cannot start or continue a sequence).
        var invalidOffsets: [Int] = []
        /// How many valid multi-byte sequences the bytes hold.
        var validMultibyteCount = 0
    }

    /// Validates UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), 8 ASCII bytes at a time.
    static func checkUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> UTF8Check {
        var check = UTF8Check()
        guard let base = bytes.baseAddress else { return check }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 32 <= n {
                let raw = UnsafeRawPointer(base + i)
                let any = raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if any & 0x8080_8080_8080_8080 == 0 {
                    i += 32
                    continue
                }
            }
            let b0 = base[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            var length = 0
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: length = 0
            }
            var valid = length > 0 && i + length <= n
            if valid {
                let b1 = base[i + 1]
                valid = b1 >= lower && b1 <= upper
                var k = 2
                while valid && k < length {
                    valid = base[i + k] & 0xC0 == 0x80
                    k += 1
                }
            }
            if valid {
                check.validMultibyteCount += 1
                i += length
            } else {
                check.invalidOffsets.append(i)
                i += 1
            }
        }
        return check
    }

    /// `checkUTF8` of `bytes` cut into `pieces` checked at once. Cuts fall on bytes that cannot continue a
    /// sequence, where a single pass also stands at a sequence start (no valid sequence spans them, and a
    /// sequence cut short is invalid either way), so the result is exactly the single pass's.
    static func checkUTF8(_ bytes: UnsafeBufferPointer<UInt8>, pieces: Int) -> UTF8Check {
        guard pieces > 1, let base = bytes.baseAddress else { return checkUTF8(bytes) }
        let n = bytes.count
        var cuts = [0]
        for k in 1..<pieces {
            var cut = max(n * k / pieces, cuts[k - 1])
            while cut < n && base[cut] & 0xC0 == 0x80 { cut += 1 }
            cuts.append(cut)
        }
        cuts.append(n)
        let shared = IncidentCSVReader.SharedBytes(base: base)
        let results = IncidentCSVReader.ChunkSlots<UTF8Check>(count: pieces)
        let pieceStarts = cuts
        DispatchQueue.concurrentPerform(iterations: pieces) { k in
            let start = pieceStarts[k]
            var check = checkUTF8(UnsafeBufferPointer(start: shared.base + start, count: pieceStarts[k + 1] - start))
            for i in check.invalidOffsets.indices { check.invalidOffsets[i] += start }
            results.slots[k] = check
        }
        var check = UTF8Check()
        for piece in results.values {
            check.invalidOffsets += piece.invalidOffsets
            check.validMultibyteCount += piece.validMultibyteCount
        }
        return check
    }

    /// Converts GB18030 bytes to UTF-8 with glibc's iconv. Each byte iconv cannot convert becomes U+FFFD, and its
    /// offset in the output is returned so the rows holding it can be rejected.
    static func utf8(fromGB18030 source: UnsafeBufferPointer<UInt8>) throws(ConversionFailure) -> (bytes: [UInt8], invalidOffsets: [Int]) {
        guard let converter = iconv_open("UTF-8", "GB18030"), converter != iconv_t(bitPattern: -1) else {
            throw ConversionFailure(reason: "this system's iconv cannot convert GB18030")
        }
        defer { iconv_close(converter) }
        let input = source
        // GB18030 uses at most 4 bytes per character and UTF-8 at most 4 per character, but 2-byte GB characters
        // become 3 UTF-8 bytes: 1.5x plus slack always suffices; grow on E2BIG anyway.
        var output = [UInt8](repeating: 0, count: input.count + input.count / 2 + 16)
        var invalidOffsets: [Int] = []
        var produced = 0
        var consumed = 0
        while consumed < input.count {
            var inPointer = UnsafeMutableRawPointer(mutating: source.baseAddress! + consumed)
                .assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
            var inLeft = input.count - consumed
            let outcome: (result: Int, error: Int32, outLeft: Int) = output.withUnsafeMutableBufferPointer { out in
                var outPointer = UnsafeMutableRawPointer(out.baseAddress! + produced)
                    .assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var outLeft = out.count - produced
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                return (result, result == -1 ? errno : 0, outLeft)
            }
            produced = output.count - outcome.outLeft
            consumed = input.count - inLeft
            if outcome.result != -1 { break }
            switch outcome.error {
            case E2BIG:
                output.append(contentsOf: repeatElement(0, count: output.count / 2 + 16))
            case EILSEQ, EINVAL:
                // EINVAL: an incomplete sequence at the end of the input.
                if output.count - produced < 3 { output.append(contentsOf: repeatElement(0, count: 16)) }
                invalidOffsets.append(produced)
                output[produced] = 0xEF
                output[produced + 1] = 0xBF
                output[produced + 2] = 0xBD
                produced += 3
                consumed += 1
            default:
                throw ConversionFailure(reason: String(cString: strerror(outcome.error)))
            }
        }
        output.removeSubrange(produced...)
        return (output, invalidOffsets)
    }

    struct ConversionFailure: Error {
        var reason: String
    }
}
