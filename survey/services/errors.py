"""Small domain exceptions raised by services and turned into messages by views and commands."""


class DomainError(Exception):
    """A rule of the domain was broken; ``str()`` is a Vietnamese message for the user."""


class InvalidSubmission(DomainError):
    pass


class ImportRejected(DomainError):
    """A file was refused as a whole; ``problems`` lists (line, column, reason)."""

    def __init__(self, problems: list[tuple[int | None, str | None, str]]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[tuple[int | None, str | None, str]]) -> str:
    lines = [f"Tệp bị từ chối, không dòng nào được nhập ({len(problems)} lỗi):"]
    for line, column, reason in problems:
        where = []
        if line is not None:
            where.append(f"dòng {line}")
        if column:
            where.append(f"cột {column}")
        lines.append(f"- {', '.join(where) or 'tệp'}: {reason}")
    return "\n".join(lines)
