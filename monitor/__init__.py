"""news-monitor: watch Vietnamese news for topics, extract events, alert once per development."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/news-monitor/news-monitor"
USER_AGENT = f"news-monitor/{__version__} (+{PROJECT_URL})"
