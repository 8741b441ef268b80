"""Imports every model so that the metadata (and Alembic) sees all tables."""
from governance.adoption.models import AdoptionRequest  # noqa: F401
from governance.advisories.models import Advisory, AdvisoryPackage, Finding  # noqa: F401
from governance.audit.models import AuditEvent  # noqa: F401
from governance.auth.models import ApiToken, LoginFailure, LoginSession, Team, User  # noqa: F401
from governance.components.models import Component, Product  # noqa: F401
from governance.funding.models import FundingBudget, FundingProposal  # noqa: F401
from governance.github_requests.models import (  # noqa: F401
    CheckWaiver,
    CodeCheckRun,
    GitHubRequest,
    ProvisioningCall,
)
from governance.inventory.models import SbomImport  # noqa: F401
from governance.license_review.models import (  # noqa: F401
    DetectionDismissal,
    LicenseConclusion,
    LicenseVerdict,
    RecordedVerdict,
    Waiver,
)
from governance.lifecycle.models import ComponentUpdate, LocalPatch  # noqa: F401
from governance.maturity_review.models import MaturityReview  # noqa: F401
from governance.scans.models import Archive, FileResult, Scan, ScanFile  # noqa: F401
from governance.upstream.models import CommunityRole, Contribution  # noqa: F401
from governance.workflow.models import Comment, Request  # noqa: F401
