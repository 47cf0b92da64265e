import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct PurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchase", abstract: "Buy the seats of a hold with a card (needs signin).",
        discussion: """
            The card is asked for on a terminal (number and security code without echo), or read as one \
            line of standard input: NUMBER MM/YY CVC ZIP. It is never an argument, so it stays out of `ps` \
            and shell history.
            Test cards of the built-in simulated processor: 4242424242424242 is approved, \
            4000000000000002 is declined, 4000000000000119 fails as if the processor were down.
            On a terminal, the quote (tickets, fees, tax, total) is shown first and the purchase asks \
            for confirmation; --yes skips that question. From a script (standard input not a terminal) \
            nothing is asked.
            A retry with the same --idempotency-key never buys or charges twice.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The hold id that `boxoffice hold` printed.", valueName: "hold-id"))
    var hold: String

    @Option(help: TicketTypeChoice.help)
    var types: String?

    @Flag(help: "Buy without showing the quote and asking first (on a terminal).")
    var yes = false

    @Option(help: ArgumentHelp(
        "Makes a retry safe: the same key and request give the same booking. Generated when not given.", valueName: "key"))
    var idempotencyKey: String?

    func validate() throws {
        _ = try TicketTypeChoice(parsing: types)
    }

    func run() async throws {
        let choice = try TicketTypeChoice(parsing: types)
        if SecretInput.isInteractive && !yes {
            let quote = try await connection.withClient {
                try await $0.quoteHold(.with {
                    $0.holdID = hold
                    $0.ticketTypes = choice.positional
                    $0.seatTypes = choice.bySeat
                }, options: connection.callOptions)
            }
            FileHandle.standardError.write(Data(describe(quote, nowMs: HumanTime.nowMs).utf8))
            guard try SecretInput.confirm("Pay \(dollars(quote.totalCents))? [y/N] ") else {
                throw BoxOfficeError(.cancelled, "nothing was bought; hold \(hold) keeps its seats until it expires")
            }
        }
        let card = try SecretInput.card()
        let request = Boxoffice_V1_PurchaseRequest.with {
            $0.holdID = hold
            $0.ticketTypes = choice.positional
            $0.seatTypes = choice.bySeat
            $0.card = .with {
                $0.number = card.number
                $0.expMonth = card.expiryMonth
                $0.expYear = card.expiryYear
                $0.cvc = card.cvc
                $0.zip = card.zip
            }
        }
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        var options = connection.callOptions
        options.idempotencyKey = key
        do {
            let booking = try await connection.withClient { try await $0.purchase(request, options: options) }
            try connection.output(booking) { receipt(booking) }
        } catch let error as BoxOfficeError where [.unavailable, .aborted, .deadlineExceeded, .unknown].contains(error.code) {
            // The purchase may or may not have gone through: the key lets the buyer retry without paying twice.
            FileHandle.standardError.write(Data("retry safely with: --idempotency-key \(key)\n".utf8))
            throw error
        }
    }
}
