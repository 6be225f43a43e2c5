using System.Runtime.CompilerServices;

namespace PgRest.Tests;

/// <summary>Files of the checkout the tests read or regenerate (docs, generated sources, the source tree itself).</summary>
internal static class RepositoryFiles
{
    /// <summary>The directory holding PgRest.sln, searched upwards from the test assembly, then from this source file.</summary>
    public static string Root([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)! })
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "PgRest.sln")))
                    return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("PgRest.sln not found above " + AppContext.BaseDirectory);
    }
}
