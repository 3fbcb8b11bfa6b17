"""ORM models. Importing this package registers every table on `Base.metadata`."""
from app.models.local import Device, OutboxEntry, FormDraft, LocalSetting  # noqa: F401
from app.models.local import SyncAttention, SyncCursor, SyncMutation  # noqa: F401
from app.models.catalogue import (  # noqa: F401
    SpecPack, PackDocument, Qualification, QualificationUnit, Unit, LearningOutcome,
    AssessmentCriterion, AssessmentRule,
)
from app.models.caseload import (  # noqa: F401
    Centre, StaffMember, Employer, Learner, Enrolment, EnrolmentUnit,
)
from app.models.evidence import (  # noqa: F401
    EvidenceRecord, CriterionMapping, Attachment, QuestionBankEntry,
)
from app.models.signing import (  # noqa: F401
    DeviceKey, Signature, Amendment, SignaturePolicy, AuditEvent, DeviceCertificate,
)
from app.models.claims import UnitSignOff, Claim  # noqa: F401
