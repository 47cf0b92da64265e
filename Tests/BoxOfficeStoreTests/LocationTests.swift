import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Testing

/// Places people type, resolved on SQLite and on PostgreSQL: the same answers and refusals from both.
@Suite struct LocationTests {
    @Test(arguments: TestStore.available) func zipResolvesToItsCentroidAndZone(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let place = try await store.resolve(.zip("10001"))
            #expect(place.label == "10001 New York, NY")
            #expect(place.timeZone == "America/New_York")
            #expect(abs(place.coordinate.latitude - 40.75) < 0.05 && abs(place.coordinate.longitude + 74.0) < 0.05)
            #expect(try await store.resolve(.zip("85004")).timeZone == "America/Phoenix")
        }
    }

    @Test(arguments: TestStore.available) func cityStateIsTheMeanOfItsZipsCaseInsensitively(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let place = try await store.resolve(try LocationQuery.parse("chicago, il"))
            #expect(place.label == "Chicago, IL")
            #expect(place.timeZone == "America/Chicago")
            #expect(place.coordinate.distanceInMiles(to: Coordinate(latitude: 41.88, longitude: -87.63)) < 15)
        }
    }

    @Test(arguments: TestStore.available) func coordinateKeepsItselfWithTheNearestZipsZone(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let point = Coordinate(latitude: 33.45, longitude: -112.07)
            let place = try await store.resolve(.coordinate(point))
            #expect(place.coordinate == point)
            #expect(place.timeZone == "America/Phoenix")
            #expect(try await store.resolve(.coordinate(Coordinate(latitude: 21.30, longitude: -157.85))).timeZone == "Pacific/Honolulu")
        }
    }

    @Test(arguments: TestStore.available, [
        (LocationQuery.zip("00000"), "no US ZIP code 00000"),
        (LocationQuery.cityState(city: "Atlantis", state: "IL"), "no city"),
        (LocationQuery.zip("09001"), "military"),
        (LocationQuery.coordinate(Coordinate(latitude: 43.65, longitude: -79.38)), "outside the United States"),  // Toronto
        (LocationQuery.coordinate(Coordinate(latitude: 25.67, longitude: -100.31)), "outside the United States"), // Monterrey
    ])
    func unknownOrForeignPlacesAreInvalidArguments(_ kind: TestStore, refused: (LocationQuery, String)) async throws {
        let (query, says) = refused
        try await kind.withStore { store in
            let error = try await #require(throws: BoxOfficeError.self) { try await store.resolve(query) }
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(says), "\(error.message)")
        }
    }
}
