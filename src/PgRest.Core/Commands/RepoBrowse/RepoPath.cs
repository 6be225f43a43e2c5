using PgRest.Errors;
using PgRest.Repository;

namespace PgRest.Commands.RepoBrowse;

/// <summary>The path parameter of repo-ls/repo-get: relative to the repository, or absolute under its path.</summary>
internal static class RepoPath
{
    /// <summary>The repository-relative form of <paramref name="path"/> ("" for the repository itself).</summary>
    public static string Resolve(Repo repo, string path)
    {
        if (path.Contains("//", StringComparison.Ordinal))
            throw new PgRestException(ErrorCode.ParamInvalid, $"path '{path}' cannot contain //");
        if (path.Length > 1 && path.EndsWith('/'))
            path = path[..^1];
        if (!path.StartsWith('/'))
            return path;

        var root = Root(repo);
        if (path == root)
            return "";
        if (root == "/")
            return path[1..];
        if (!path.StartsWith(root + "/", StringComparison.Ordinal))
            throw new PgRestException(ErrorCode.ParamInvalid, $"absolute path '{path}' is not in base path '{root}'");
        return path[(root.Length + 1)..];
    }

    /// <summary>The repository path as configured, without a trailing slash.</summary>
    public static string Root(Repo repo) => repo.DisplayRoot.Length > 1 ? repo.DisplayRoot.TrimEnd('/') : repo.DisplayRoot;

    /// <summary>The absolute form of a repository-relative path.</summary>
    public static string Absolute(Repo repo, string relative)
    {
        var root = Root(repo);
        if (relative.Length == 0)
            return root;
        return root == "/" ? "/" + relative : root + "/" + relative;
    }
}
