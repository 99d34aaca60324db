"""All tables. Import from here: `from campaigns.domain.model import Campaign`."""

from campaigns.domain.model.accounts import (
    ApiToken,
    AuditLog,
    AuthSession,
    Consent,
    Invitation,
    Membership,
    Organisation,
    ReadAccess,
    Role,
    Throttle,
    User,
)
from campaigns.domain.model.base import UTCDateTime
from campaigns.domain.model.campaigns import Campaign, CampaignConcern, CampaignMember, Goal, PersonalGoal
from campaigns.domain.model.concerns import (
    Assessment,
    AssessmentConcern,
    Concern,
    ConcernCategory,
    ConcernSupport,
)
from campaigns.domain.model.guests import Guest
from campaigns.domain.model.installation import SchedulerHeartbeat
from campaigns.domain.model.nudges import InboxItem, NotificationSettings, Nudge, ReminderRule
from campaigns.domain.model.progress import (
    CampaignTally,
    EventRecord,
    GoalSnapshot,
    OrgTally,
    Outcome,
    Reflection,
    WebhookEndpoint,
)
from campaigns.domain.model.sms import MobileVerification, TextMessage, TextOptOut
from campaigns.domain.model.volunteering import Action, Contribution, Signup, Task

__all__ = [
    "Action", "ApiToken", "Assessment", "AssessmentConcern", "AuditLog", "AuthSession", "Campaign",
    "CampaignConcern", "CampaignMember", "CampaignTally", "Concern", "ConcernCategory", "ConcernSupport", "Consent",
    "Contribution", "EventRecord", "Goal", "GoalSnapshot", "Guest", "InboxItem", "Invitation", "Membership",
    "MobileVerification", "NotificationSettings", "Nudge", "Organisation", "OrgTally", "Outcome", "PersonalGoal",
    "ReadAccess", "Reflection", "ReminderRule", "Role", "SchedulerHeartbeat", "Signup", "Task", "TextMessage",
    "TextOptOut", "Throttle", "UTCDateTime", "User", "WebhookEndpoint",
]
