namespace Crowdfund.Domain.Rules;

/// <summary>Collects the problems of one input, so that a client learns all of them in one answer.</summary>
public sealed class ProblemList
{
    private readonly List<Problem> problems = [];

    public IReadOnlyList<Problem> Items => problems;

    public void Add(string field, string code, string message) => problems.Add(new Problem(field, code, message));

    public void Check(bool ok, string field, string code, string message)
    {
        if (!ok) Add(field, code, message);
    }
}
