import BoxOfficeCLI
import Foundation

exit(await CommandLineRunner.main())
