import Glibc
import Testing
@testable import Incidents

@Suite("Decimal parsing matches strtod")
struct DecimalParsingTests {
    static let tricky = [
        "0", "-0", "+0", "0.0", "1", "-1", "120.7555", "30.7469", "120.8862401", "-180", "180.0000000",
        "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "1.7976931348623157e308", "2.2250738585072014e-308",
        "4.9e-324", "5e-324", "2.4703282292062327e-324", "9007199254740993", "9007199254740992",
        "9007199254740991", "123456789012345678901234567890", "0.000000000000000000000000000001",
        "3.14159265358979323846264338327950288", "1.0000000000000002", "1.00000000000000011102230246251565404",
        "7.3177701707893310e+15", "2.2250738585072011e-308", "1e22", "1e-22", "123456789012345e22",
        "123456789012345e-22", "9999999999999999", "99999999999999999999", "1.5e2", "3E1", ".5", "5.", "-.25e+1",
        "0.000001234", "1e308", "1e309", "-1e400", "1e-400", "00000120.50000", "120.75000000000000000001",
        "1.7976931348623158e308", "6.02214076e23", "1e-7", "120.1234567", "30.0000001",
    ]

    @Test(arguments: tricky)
    func equalsStrtod(text: String) {
        let expected = strtod(text, nil)
        guard case .number(let value) = DecimalParsing.parse(text) else {
            Issue.record("\(text) was not parsed as a number")
            return
        }
        #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) vs strtod \(expected)")
    }

    @Test func randomDecimalsEqualStrtod() {
        var random = Xoshiro256StarStar(seed: 42)
        for _ in 0..<20_000 {
            let digits = Int(random.next() % 19) + 1
            var text = random.next() % 2 == 0 ? "-" : ""
            let dot = Int(random.next() % UInt64(digits + 1))  // == digits: no dot
            for i in 0..<digits {
                if i == dot { text += "." }
                text += String(random.next() % 10)
            }
            if random.next() % 3 == 0 { text += "e" + String(Int(random.next() % 80) - 40) }
            guard case .number(let value) = DecimalParsing.parse(text) else {
                Issue.record("\(text) was not parsed as a number")
                return
            }
            #expect(value.bitPattern == strtod(text, nil).bitPattern, "\(text)")
        }
    }

    @Test func nonNumbers() {
        #expect(DecimalParsing.parse("") == .empty)
        #expect(DecimalParsing.parse("  \t") == .empty)
        #expect(DecimalParsing.parse("nan") == .nan)
        #expect(DecimalParsing.parse("-NaN") == .nan)
        #expect(DecimalParsing.parse("inf") == .infinite)
        #expect(DecimalParsing.parse("-Infinity") == .infinite)
        for text in ["abc", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "0x1p3", "1,5", "12 34", "--1", "1e5.5", "nanx"] {
            #expect(DecimalParsing.parse(text) == .notANumber, "\(text)")
        }
        #expect(DecimalParsing.parse(" 12.5\t") == .number(12.5))
    }
}
