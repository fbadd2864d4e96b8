import CZlib
@testable import ImageBridge
import TestSupport
import Testing

@Suite struct PiecewisePNGWriterTests {
    /// A heat-map-like image: transparent corners, flat areas and smooth colour steps, plus seeded speckles so
    /// some rows differ from the row above everywhere.
    static func heatLike(width: Int, height: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 4
                let level = (x / 7 + y / 5) % 256
                guard level > 3 else { continue }  // transparent
                pixels[i] = 255
                pixels[i + 1] = UInt8(255 - level)
                pixels[i + 2] = UInt8(level / 2)
                pixels[i + 3] = generator.next() % 50 == 0 ? UInt8(generator.next() % 256) : 255
            }
        }
        return pixels
    }

    /// The chunk types in file order, each chunk's CRC checked.
    static func chunkTypes(_ png: [UInt8]) -> [String] {
        var types: [String] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            let stored = png[offset + 8 + length..<offset + 12 + length].reduce(UInt(0)) { $0 << 8 | UInt($1) }
            let computed = png.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + offset + 4, UInt32(length + 4)) }
            types.append(stored == computed ? type : type + " (bad CRC)")
            offset += 12 + length
        }
        return types
    }

    // 1×1; odd sizes; a width whose lines do not divide the piece size; one row per piece (lines longer than a
    // piece); a single piece; many pieces with a short last one.
    @Test(arguments: [(1, 1), (3, 2), (37, 53), (333, 1000), (70_000, 3), (1, 5000), (600, 611)])
    func fastEncodingDecodesToTheSamePixels(width: Int, height: Int) throws {
        let pixels = Self.heatLike(width: width, height: height)
        let png = try PNGEncoder.encode(rgba: pixels, width: width, height: height, compression: .fast, threads: 2)
        let decoded = try PNGDecoder.decode(bytes: png)
        #expect(decoded.width == width)
        #expect(decoded.height == height)
        #expect(decoded.rgba == pixels)
    }

    @Test(arguments: [(1, 1), (37, 53), (333, 1000), (70_000, 3)])
    func bytesDoNotDependOnTheThreadCount(width: Int, height: Int) throws {
        let pixels = Self.heatLike(width: width, height: height, seed: 11)
        let one = try PNGEncoder.encode(rgba: pixels, width: width, height: height, compression: .fast, threads: 1)
        for threads in [2, 3, 8] {
            #expect(try PNGEncoder.encode(rgba: pixels, width: width, height: height, compression: .fast,
                                          threads: threads) == one, "\(threads) threads")
        }
    }

    @Test func aLargeImageIsJoinedFromSeveralPiecesWithValidChunks() throws {
        let width = 333, height = 1000  // 1333-byte lines: 196 per piece, 6 pieces, the last of 20 lines
        let png = try PNGEncoder.encode(rgba: Self.heatLike(width: width, height: height), width: width,
                                        height: height, compression: .fast, threads: 2)
        #expect(Self.chunkTypes(png) == ["IHDR", "sRGB"] + Array(repeating: "IDAT", count: 6) + ["IEND"])
        #expect(Array(png[8..<33]) == [0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 1, 77, 0, 0, 3, 232, 8, 6, 0, 0, 0]
            + Array(png[29..<33]))
    }

    @Test func flatImagesCompressWell() throws {
        let pixels = [UInt8]([255, 240, 200, 255]).repeated(times: 512 * 512)
        let png = try PNGEncoder.encode(rgba: pixels, width: 512, height: 512, compression: .fast)
        #expect(png.count < pixels.count / 100, "\(png.count) bytes")
        #expect(try PNGDecoder.decode(bytes: png).rgba == pixels)
    }

    /// Against zlib's own Adler-32: zero words take the shortcut, 0xFF runs are the largest sums before reducing,
    /// lengths not multiples of 8 end in the byte loop, and 4096-byte reduction blocks are crossed.
    @Test(arguments: [1, 7, 8, 9, 4095, 4096, 4097, 100_003])
    func adler32MatchesZlib(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count) + 1)
        let patterns: [[UInt8]] = [
            (0..<count).map { _ in generator.next() % 3 == 0 ? UInt8(generator.next() % 256) : 0 },
            [UInt8](repeating: 255, count: count),
            [UInt8](repeating: 0, count: count),
        ]
        for bytes in patterns {
            let expected = bytes.withUnsafeBufferPointer { adler32(1, $0.baseAddress, UInt32($0.count)) }
            let actual = bytes.withUnsafeBufferPointer { PiecewisePNGWriter.adler32($0.baseAddress!, count: count) }
            #expect(UInt(actual) == expected, "\(count) bytes starting \(bytes.prefix(4))")
        }
    }
}

private extension Array {
    func repeated(times: Int) -> [Element] { (0..<times).flatMap { _ in self } }
}
