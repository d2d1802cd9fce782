using Backupd.Contracts.Jobs;

namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// Speed and time left of a job's running stages, worked out from the reports the page has seen:
/// the node reports bytes done, not speed, and each report reaches the page as it comes.
/// </summary>
public sealed class StageSpeeds
{
    // Speed over the last this-long of reports: long enough to smooth out bursts, short enough to follow a change of pace.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, long Bytes)>> _samples = new(StringComparer.Ordinal);

    /// <summary>Takes in a report of the stages, seen at <paramref name="now"/>.</summary>
    public void Observe(IReadOnlyList<JobStageInfo> stages, DateTimeOffset now)
    {
        foreach (var stage in stages)
        {
            if (stage.Status != StageStatus.Running)
            {
                _samples.Remove(stage.Name);
                continue;
            }

            if (!_samples.TryGetValue(stage.Name, out var samples))
            {
                _samples[stage.Name] = samples = new Queue<(DateTimeOffset, long)>();
            }

            if (samples.Count == 0 || samples.Last().Bytes != stage.BytesDone)
            {
                samples.Enqueue((now, stage.BytesDone));
            }

            while (samples.Count > 2 && now - samples.Peek().At > Window)
            {
                samples.Dequeue();
            }
        }
    }

    /// <summary>Bytes per second of <paramref name="stage"/>, once two reports apart in time have been seen.</summary>
    public double? BytesPerSecond(string stage) =>
        _samples.TryGetValue(stage, out var samples) && samples.Count >= 2 && samples.Last().At > samples.Peek().At
            ? (samples.Last().Bytes - samples.Peek().Bytes) / (samples.Last().At - samples.Peek().At).TotalSeconds
            : null;

    /// <summary>"120 MiB of 512 MiB · 16 MiB/s · about 25 s left", or a count while the total is not known; null when there is nothing to say.</summary>
    public string? Describe(JobStageInfo stage, DateTimeOffset now)
    {
        if (stage.BytesDone == 0 && stage.BytesTotal is null)
        {
            return null;
        }

        var parts = new List<string>
        {
            stage.BytesTotal is { } total ? $"{Display.Bytes(stage.BytesDone)} of {Display.Bytes(total)}" : $"{Display.Bytes(stage.BytesDone)} so far",
        };
        if (stage.Status == StageStatus.Running && BytesPerSecond(stage.Name) is { } speed and > 0)
        {
            parts.Add($"{Display.Bytes((long)speed)}/s");
            if (stage.BytesTotal is { } size && size > stage.BytesDone)
            {
                parts.Add($"about {Display.Span(TimeSpan.FromSeconds((size - stage.BytesDone) / speed))} left");
            }
        }

        return string.Join(" · ", parts);
    }
}
