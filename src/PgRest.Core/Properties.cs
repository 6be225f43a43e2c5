// pgBackRest runs on Linux and other Unix systems only (posix modes, owners, flock); so does pgrest.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
