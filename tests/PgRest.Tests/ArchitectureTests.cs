using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PgRest.Tests;

/// <summary>
/// Rules of the code's shape, checked on the source of src/ as syntax: short methods, options read only through their
/// typed handles, no citations of a spec that is nowhere.
/// </summary>
public class ArchitectureTests
{
    private const int MaxMethodLines = 100;

    private static readonly string SourceRoot = Path.Combine(RepositoryFiles.Root(), "src");

    private static IEnumerable<(string Path, SyntaxNode Root)> Sources() =>
        Directory.GetFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Select(path => (Path.GetRelativePath(SourceRoot, path), CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot()));

    private static bool InConfig(string path) => path.StartsWith("PgRest.Core/Config/", StringComparison.Ordinal);

    [Fact]
    public void No_method_is_longer_than_a_hundred_lines()
    {
        var tooLong = new List<string>();
        foreach (var (path, root) in Sources())
        {
            foreach (var node in root.DescendantNodes())
            {
                var (name, body) = node switch
                {
                    BaseMethodDeclarationSyntax method => (method is MethodDeclarationSyntax m ? m.Identifier.Text : method.Kind().ToString(), (SyntaxNode?)method.Body ?? method.ExpressionBody),
                    AccessorDeclarationSyntax accessor => (accessor.Keyword.Text, (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody),
                    LocalFunctionStatementSyntax local => (local.Identifier.Text, (SyntaxNode?)local.Body ?? local.ExpressionBody),
                    _ => (null, null),
                };
                if (body is null)
                    continue;
                var span = body.GetLocation().GetLineSpan();
                var lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines)
                    tooLong.Add($"{path}:{span.StartLinePosition.Line + 1} {name} ({lines} lines)");
            }
        }

        Assert.True(tooLong.Count == 0, string.Join("\n", tooLong));
    }

    /// <summary>Outside Config/ an option is reached through <c>Options.X</c>, never by its name.</summary>
    [Fact]
    public void Options_are_looked_up_by_name_only_inside_Config()
    {
        string[] byName = ["FindOption", "ResolveIndexedName", "FindCommand"];
        var found = new List<string>();
        foreach (var (path, root) in Sources().Where(source => !InConfig(source.Path)))
        {
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.Text,
                    IdentifierNameSyntax identifier => identifier.Identifier.Text,
                    _ => "",
                };
                if (byName.Contains(name))
                    found.Add($"{path}:{invocation.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {invocation}");
            }

            foreach (var creation in root.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
            {
                var type = creation is ObjectCreationExpressionSyntax explicitType ? explicitType.Type.ToString() : "";
                if (type.EndsWith("Option", StringComparison.Ordinal) && creation.ArgumentList?.Arguments.FirstOrDefault()?.Expression is LiteralExpressionSyntax)
                    found.Add($"{path}:{creation.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {creation}");
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>References to the format point into ../shared/reference by document and section name.</summary>
    [Fact]
    public void No_comment_cites_a_spec_section_by_number_alone()
    {
        var found = new List<string>();
        foreach (var (path, root) in Sources())
        {
            foreach (var trivia in root.DescendantTrivia())
            {
                var text = trivia.ToString();
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia)
                    || trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
                {
                    if (text.Contains("spec §", StringComparison.Ordinal))
                        found.Add($"{path}:{trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1}");
                }
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
