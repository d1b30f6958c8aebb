import ArgumentParser

/// Kept apart from the root command so the DUKPT tool can be built in or out as one file.
let backOfficeSubcommands: [ParsableCommand.Type] = [Keygen.self, OpenCapture.self, DUKPTCommand.self, Serve.self, Payments.self, Sync.self]
