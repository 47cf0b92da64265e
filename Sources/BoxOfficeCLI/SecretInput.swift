import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Passwords and cards, read so that they never land in `ps`, shell history or the screen: from a
/// prompt without echo when standard input is a terminal, else one line of standard input (for
/// scripts and pipes). There is no option to pass them as arguments.
enum SecretInput {
    /// True when standard input is a terminal, so prompts make sense.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// A password: prompted for without echo on a terminal, else the first line of standard input.
    static func password(prompt: String = "Password: ") throws -> String {
        let secret = isInteractive ? try prompted(prompt, echo: false) : readLine(strippingNewline: true)
        guard let secret, !secret.isEmpty else {
            throw ValidationError("no password: type it at the prompt, or give it as one line on standard input")
        }
        return secret
    }

    /// Asks a yes/no question on the terminal; only "y" or "yes" is yes.
    static func confirm(_ question: String) throws -> Bool {
        let answer = try prompted(question, echo: true) ?? ""
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// A payment card as typed by its holder.
    struct Card {
        var number: String
        var expiryMonth: UInt32
        var expiryYear: UInt32
        var cvc: String
        var zip: String
    }

    /// A card: four prompts on a terminal (number and CVC without echo), else one line of
    /// standard input, `NUMBER MM/YY CVC ZIP` (spaces inside the number allowed).
    static func card() throws -> Card {
        if isInteractive {
            let number = try prompted("Card number: ", echo: false) ?? ""
            let expiry = try prompted("Expiry (MM/YY): ", echo: true) ?? ""
            let cvc = try prompted("Security code (CVC): ", echo: false) ?? ""
            let zip = try prompted("Billing ZIP code: ", echo: true) ?? ""
            return try card(number: number, expiry: expiry, cvc: cvc, zip: zip)
        }
        guard let line = readLine(strippingNewline: true) else {
            throw ValidationError("no card: give it as one line on standard input, NUMBER MM/YY CVC ZIP")
        }
        return try card(line: line)
    }

    /// Reads `NUMBER MM/YY CVC ZIP`; the number may contain spaces.
    static func card(line: String) throws -> Card {
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 4 else {
            throw ValidationError("the card line must be NUMBER MM/YY CVC ZIP, e.g. 4242424242424242 09/29 123 10001")
        }
        return try card(number: words.dropLast(3).joined(), expiry: words[words.count - 3], cvc: words[words.count - 2],
                        zip: words[words.count - 1])
    }

    private static func card(number: String, expiry: String, cvc: String, zip: String) throws -> Card {
        let parts = expiry.split(separator: "/")
        guard parts.count == 2, let month = UInt32(parts[0]), (1...12).contains(month), let year = UInt32(parts[1]),
              parts[1].count == 2 || parts[1].count == 4
        else { throw ValidationError("the card's expiry must be MM/YY, e.g. 09/29") }
        // The server checks the card fully; these catch typing slips with the words the buyer saw.
        let digits = number.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
            throw ValidationError("the card number must be 12 to 19 digits")
        }
        guard (3...4).contains(cvc.count), cvc.allSatisfy(\.isASCIIDigit) else {
            throw ValidationError("the card's security code (CVC) must be 3 or 4 digits")
        }
        guard zip.count == 5, zip.allSatisfy(\.isASCIIDigit) else {
            throw ValidationError("the billing ZIP code must be 5 digits")
        }
        return Card(number: digits, expiryMonth: month, expiryYear: year, cvc: cvc, zip: zip)
    }

    /// Writes `prompt` to standard error and reads a line from the terminal, echo off when asked;
    /// the terminal's settings are restored whatever happens. Echo goes off before the prompt shows,
    /// so nothing typed after the prompt can be echoed (typed earlier, it is discarded, as getpass does).
    private static func prompted(_ prompt: String, echo: Bool) throws -> String? {
        guard !echo else {
            FileHandle.standardError.write(Data(prompt.utf8))
            return readLine(strippingNewline: true)
        }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else {
            throw ValidationError("cannot read the terminal's settings to hide a secret: give it on standard input instead")
        }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 else {
            throw ValidationError("cannot turn off the terminal's echo to read a secret: give it on standard input instead")
        }
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)
    }
}
