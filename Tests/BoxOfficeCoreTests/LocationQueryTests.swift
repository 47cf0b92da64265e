import BoxOfficeCore
import Testing

@Suite("Reading US locations")
struct LocationQueryTests {
    @Test(arguments: [
        ("10001", LocationQuery.zip("10001")),
        ("60601-1234", .zip("60601")),
        ("  Chicago, IL ", .cityState(city: "Chicago", state: "IL")),
        ("new york, ny", .cityState(city: "new york", state: "NY")),
        ("40.7506,-73.9972", .coordinate(Coordinate(latitude: 40.7506, longitude: -73.9972))),
        ("21.3, -157.85", .coordinate(Coordinate(latitude: 21.3, longitude: -157.85))),
    ])
    func readsUSPlaces(text: String, expected: LocationQuery) throws {
        #expect(try LocationQuery.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "empty"),
        ("1234", "five digits"),
        ("123456", "five digits"),
        ("Toronto, ON", "not a US state"),
        ("London", "cannot read"),
        ("51.5074,-0.1278", "outside the United States"),
        ("19.43,-99.13", "outside the United States"),
        ("95,10", "not a valid latitude"),
        ("Springfield, ", "not a US state"),
    ])
    func refusesOtherPlacesSayingWhy(text: String, reason: String) {
        #expect {
            try LocationQuery.parse(text)
        } throws: { error in
            guard let error = error as? BoxOfficeError else { return false }
            return error.code == .invalidArgument && error.message.contains(reason)
        }
    }

    @Test func distancesAreInStatuteMiles() {
        let empireState = Coordinate(latitude: 40.7484, longitude: -73.9857)
        let willisTower = Coordinate(latitude: 41.8789, longitude: -87.6359)
        let miles = empireState.distanceInMiles(to: willisTower)
        #expect(abs(miles - 711) < 5)
        #expect(empireState.distanceInMiles(to: empireState) == 0)
    }

    @Test func boundingBoxHoldsEveryPointWithinTheRadius() {
        let center = Coordinate(latitude: 47.6, longitude: -122.3)
        let box = center.boundingBox(radiusMiles: 25)
        for bearing in stride(from: 0.0, to: 360, by: 15) {
            // About 24.9 miles along `bearing`.
            let radians = bearing * .pi / 180
            let point = Coordinate(latitude: center.latitude + 0.36 * cos(radians),
                                   longitude: center.longitude + 0.36 / cos(center.latitude * .pi / 180) * sin(radians))
            #expect(center.distanceInMiles(to: point) < 25.1)
            #expect(box.contains(point))
        }
    }
}

import Foundation
