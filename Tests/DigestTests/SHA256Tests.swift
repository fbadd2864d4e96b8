import Digest
import Foundation
import Testing
import TestSupport

/// SHA-256 against the FIPS 180-4 examples (and Python's hashlib for the pieces).
struct SHA256Tests {
    @Test func fipsExamples() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The same digest however the message is cut into updates (1, 63, 64, 65 … bytes).
    @Test func piecesDoNotMatter() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hex(message)
        for piece in [1, 3, 63, 64, 65, 127, 500] {
            var hash = SHA256()
            var offset = 0
            while offset < message.count {
                hash.update(message[offset..<min(offset + piece, message.count)])
                offset += piece
            }
            #expect(SHA256.hexString(hash.finalize()) == whole, "pieces of \(piece)")
        }
    }

    @Test func filesAreHashedByTheirBytes() throws {
        let path = Fixtures.temporaryFolder("digest") + "/a.txt"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let (hex, bytes) = try SHA256.file(path)
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && bytes == 3)
    }
}
