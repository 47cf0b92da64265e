public import BoxOfficeCore

/// A card as the buyer typed it, checked for shape before any processor sees it.
///
/// It lives only for the length of one purchase call: nothing stores it, and its description shows
/// only brand and last four digits, so interpolating it into a log line cannot leak the number or CVC.
public struct PaymentCard: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Brand: String, Sendable {
        case visa = "Visa", mastercard = "Mastercard", americanExpress = "American Express", discover = "Discover", other = "Card"
    }

    /// Digits only.
    public let number: String
    public let expiryMonth: Int
    /// Four digits.
    public let expiryYear: Int
    public let cvc: String
    public let zip: String
    public let brand: Brand

    public var lastFour: String { String(number.suffix(4)) }
    public var description: String { "\(brand.rawValue) ending \(lastFour)" }
    public var debugDescription: String { description }

    /// Checks the card's form: digits, length, Luhn, expiry not past at `year`/`month`, CVC length, ZIP.
    /// Every failure is INVALID_ARGUMENT naming the wire's field (`card.number`, …); no message
    /// repeats the number or CVC. A two-digit `expiryYear` is this century's, as printed on cards.
    public init(number: String, expiryMonth: Int, expiryYear: Int, cvc: String, zip: String,
                currentYear year: Int, currentMonth month: Int) throws(BoxOfficeError) {
        let digits = number.filter { $0 != " " && $0 != "-" }
        guard !digits.isEmpty else { throw .invalidArgument("card.number is required") }
        guard digits.allSatisfy(\.isASCIIDigit), (12...19).contains(digits.count) else {
            throw .invalidArgument("card.number must be 12 to 19 digits")
        }
        guard Self.passesLuhn(digits) else {
            throw .invalidArgument("card.number is not a valid card number (its check digit is wrong): check it and try again")
        }
        guard (1...12).contains(expiryMonth) else { throw .invalidArgument("card.exp_month must be 1 to 12") }
        let fullYear = (0..<100).contains(expiryYear) ? 2000 + expiryYear : expiryYear
        guard (fullYear, expiryMonth) >= (year, month) else {
            throw .invalidArgument("the card expired at the end of \(expiryMonth)/\(fullYear)")
        }
        guard fullYear <= year + 20 else { throw .invalidArgument("card.exp_year \(expiryYear) is too far ahead") }
        let brand = Self.brand(of: digits)
        let cvcLength = brand == .americanExpress ? 4 : 3
        guard cvc.count == cvcLength, cvc.allSatisfy(\.isASCIIDigit) else {
            throw .invalidArgument("card.cvc must be \(cvcLength) digits for a \(brand.rawValue) card")
        }
        guard zip.count == 5, zip.allSatisfy(\.isASCIIDigit) else {
            throw .invalidArgument("card.zip must be the card's 5-digit billing ZIP code")
        }
        self.number = digits
        self.expiryMonth = expiryMonth
        self.expiryYear = fullYear
        self.cvc = cvc
        self.zip = zip
        self.brand = brand
    }

    /// The Luhn (mod 10) check every payment card number carries in its last digit.
    static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (position, character) in digits.reversed().enumerated() {
            var digit = Int(character.asciiValue! - 48)
            if position % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    /// The brand from the number's issuer prefix.
    static func brand(of digits: String) -> Brand {
        let two = Int(digits.prefix(2)) ?? 0
        let four = Int(digits.prefix(4)) ?? 0
        switch true {
        case digits.hasPrefix("4"): return .visa
        case (51...55).contains(two), (2221...2720).contains(four): return .mastercard
        case two == 34 || two == 37: return .americanExpress
        case digits.hasPrefix("6011"), two == 65: return .discover
        default: return .other
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
