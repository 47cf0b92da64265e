/// A booking's confirmation code: 8 Crockford base32 characters (40 random bits) and Crockford's
/// check character, "7XK3M9QG0". Codes are read aloud at box offices and typed on phones, so the
/// alphabet has no I, L, O or U, reading is forgiving (lowercase, hyphens, I/L as 1, O as 0), and
/// the check character catches a mistyped or swapped character before any lookup.
public struct ConfirmationCode: Hashable, Sendable, CustomStringConvertible {
    /// Crockford's base32 alphabet; with `checkSymbols` it spells the check values 0...36.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let checkSymbols = Array("*~$=U")
    static let payloadLength = 8

    /// The canonical spelling: 9 uppercase characters.
    public let description: String

    /// A fresh random code from the system's cryptographic generator.
    ///
    /// Crockford's check value is the number modulo 37, and values 32...36 would need the symbols
    /// `* ~ $ = U`, which shells and phone keyboards mangle; such numbers are drawn again, so every
    /// code is plain letters and digits (about 39.8 bits remain: unguessable at any rate the server allows).
    public static func random() -> ConfirmationCode {
        var generator = SystemRandomNumberGenerator()
        while true {
            let value = generator.next() & 0xFF_FFFF_FFFF
            if value % 37 < 32 { return ConfirmationCode(value: value) }
        }
    }

    init(value: UInt64) {
        var characters: [Character] = []
        for shift in stride(from: 35, through: 0, by: -5) {
            characters.append(Self.alphabet[Int(value >> UInt64(shift) & 31)])
        }
        characters.append(Self.checkCharacter(of: value))
        description = String(characters)
    }

    /// Reads a code as a person typed it; nil when it is not a well-formed code or its check character is wrong.
    public init?(parsing text: String) {
        guard let code = try? Self(checking: text) else { return nil }
        self = code
    }

    /// Reads a code as a person typed it, or says what is wrong with it in words a person can act
    /// on: a character no code has, the wrong length, or a check character that does not match (a
    /// typo somewhere in the code).
    public init(checking text: String) throws(BoxOfficeError) {
        let shown = "\"\(text.prefix(40))\""
        let typed = text.uppercased().filter { $0 != "-" && $0 != " " }
        if let wrong = typed.first(where: { Self.digit($0) == nil }) {
            throw .invalidArgument("\(shown) is not a confirmation code: \"\(wrong)\" is in none (codes use the digits and the letters but I, L, O and U)")
        }
        guard typed.count == Self.payloadLength + 1 else {
            throw .invalidArgument("\(shown) is not a confirmation code: codes have 9 letters and digits, like 7XK3M9QG0, not \(typed.count)")
        }
        guard let code = Self(canonicalParsing: text) else {
            throw .invalidArgument("\(shown) is not a confirmation code: its last character does not match the others, so one of them is mistyped")
        }
        self = code
    }

    private init?(canonicalParsing text: String) {
        var value: UInt64 = 0
        var count = 0
        var check: Character?
        for character in text.uppercased() where character != "-" && character != " " {
            guard check == nil else { return nil }
            if count == Self.payloadLength {
                check = character
                continue
            }
            guard let digit = Self.digit(character) else { return nil }
            value = value << 5 | UInt64(digit)
            count += 1
        }
        guard count == Self.payloadLength, let check, Self.checkCharacter(of: value) == Self.canonical(check) else { return nil }
        self.init(value: value)
    }

    private static func checkCharacter(of value: UInt64) -> Character {
        let check = Int(value % 37)
        return check < 32 ? alphabet[check] : checkSymbols[check - 32]
    }

    private static func canonical(_ character: Character) -> Character {
        switch character {
        case "O": "0"
        case "I", "L": "1"
        default: character
        }
    }

    private static func digit(_ character: Character) -> Int? {
        alphabet.firstIndex(of: canonical(character))
    }
}
