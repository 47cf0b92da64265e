import BoxOfficeCore
import Testing

@Suite struct ConfirmationCodeTests {
    @Test func randomCodesAreNineCanonicalCharactersThatParseBack() {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let code = ConfirmationCode.random().description
            #expect(code.count == 9)
            #expect(code.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) }, "\(code)")
            #expect(ConfirmationCode(parsing: code)?.description == code)
            seen.insert(code)
        }
        #expect(seen.count == 2_000)
    }

    @Test func readingForgivesCaseHyphensAndLookAlikes() throws {
        let code = try #require(ConfirmationCode(parsing: "000000000"))
        #expect(code.description == "000000000")
        #expect(ConfirmationCode(parsing: "oooo-oooo-o")?.description == "000000000")
        let random = ConfirmationCode.random().description
        #expect(ConfirmationCode(parsing: random.lowercased())?.description == random)
        let spaced = random.prefix(4) + " " + random.dropFirst(4)
        #expect(ConfirmationCode(parsing: String(spaced))?.description == random)
        // 1 read as I or L.
        let ones = try #require("0123456789ABCDEFGHJKMNPQRSTVWXYZ".lazy.compactMap { ConfirmationCode(parsing: "11111111\($0)") }.first).description
        #expect(ConfirmationCode(parsing: ones.replacingOccurrences(of: "1", with: "I"))?.description == ones)
        #expect(ConfirmationCode(parsing: ones.replacingOccurrences(of: "1", with: "l"))?.description == ones)
    }

    @Test func theCheckCharacterCatchesEverySingleSubstitutionAndAdjacentSwap() {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for _ in 0..<50 {
            let code = Array(ConfirmationCode.random().description)
            for position in 0..<8 {
                for replacement in alphabet where replacement != code[position] {
                    var typo = code
                    typo[position] = replacement
                    #expect(ConfirmationCode(parsing: String(typo)) == nil, "\(String(code)) → \(String(typo))")
                }
                if position < 7 && code[position] != code[position + 1] {
                    var swapped = code
                    swapped.swapAt(position, position + 1)
                    #expect(ConfirmationCode(parsing: String(swapped)) == nil)
                }
            }
        }
    }

    @Test func eachWayOfBeingWrongIsToldApart() throws {
        let code = ConfirmationCode.random().description
        let last = code.last!
        let other = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".first { $0 != last }!
        let typo = String(code.dropLast()) + String(other)
        #expect(throws: BoxOfficeError.invalidArgument(
            "\"\(typo)\" is not a confirmation code: its last character does not match the others, so one of them is mistyped")) {
            _ = try ConfirmationCode(checking: typo)
        }
        #expect(throws: BoxOfficeError.invalidArgument(
            "\"ABC\" is not a confirmation code: codes have 9 letters and digits, like 7XK3M9QG0, not 3")) {
            _ = try ConfirmationCode(checking: "ABC")
        }
        #expect(throws: BoxOfficeError.invalidArgument(
            "\"ABCDEFGH!\" is not a confirmation code: \"!\" is in none (codes use the digits and the letters but I, L, O and U)")) {
            _ = try ConfirmationCode(checking: "ABCDEFGH!")
        }
        #expect(try ConfirmationCode(checking: code.lowercased()).description == code)
    }

    @Test func malformedTextIsNotACode() {
        for text in ["", "ABC", "0000000000", "00000000U0", "ABCDEFGH!", "00000000*"] {
            #expect(ConfirmationCode(parsing: text) == nil, "\(text)")
        }
    }
}

@Suite struct PriceTests {
    @Test func stateRatesAreExactAndRoundHalfUp() {
        #expect(SalesTax.rate(state: "MN") == 6_875)
        #expect(SalesTax.tax(on: 10_000, state: "MN") == 688)  // $687.50 rounds up
        #expect(SalesTax.tax(on: 2_125, state: "NY") == 85)
        #expect(SalesTax.tax(on: 5_000, state: "OR") == 0)
        #expect(SalesTax.tax(on: 1_000, state: "PR") == 105)
        #expect(SalesTax.tax(on: 1_000, state: "ZZ") == nil)
        for state in USState.codes { #expect(SalesTax.rate(state: state) != nil, "\(state) has no rate") }
    }

    @Test func aQuoteAddsTicketsFeesAndTax() throws {
        let quote = try #require(PriceQuote(ticketCents: [1_450, 1_450, 950], feeCentsPerTicket: 150, state: "TX"))
        #expect(quote.subtotalCents == 3_850)
        #expect(quote.feesCents == 450)
        #expect(quote.taxCents == 269)  // 6.25% of $43.00 = $2.6875
        #expect(quote.totalCents == 3_850 + 450 + 269)
    }
}
